// Everything in minitorch::data: the Dataset interface and DataLoader, the course's 2-D datasets
// with their mini-batches, and the readers of the real datasets (IDX images, sentiment).
#pragma once

#include "minitorch/data/batches.h"
#include "minitorch/data/data_loader.h"
#include "minitorch/data/datasets.h"
#include "minitorch/data/image_dataset.h"
#include "minitorch/data/sentiment.h"
