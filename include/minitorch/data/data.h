// Everything in minitorch::data: the course's datasets and shuffled mini-batches.
#pragma once

#include "minitorch/data/batches.h"
#include "minitorch/data/datasets.h"
