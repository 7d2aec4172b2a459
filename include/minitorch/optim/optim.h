// Everything in minitorch::optim: the Optimizer base, SGD, Adam, AdamW and the
// learning-rate schedulers.
#pragma once

#include "minitorch/optim/adam.h"
#include "minitorch/optim/lr_scheduler.h"
#include "minitorch/optim/optimizer.h"
#include "minitorch/optim/sgd.h"
