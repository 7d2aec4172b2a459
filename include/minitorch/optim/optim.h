// Everything in minitorch::optim: the Optimizer base, SGD, Adam, AdamW, the learning-rate
// schedulers and GradScaler.
#pragma once

#include "minitorch/optim/adam.h"
#include "minitorch/optim/grad_scaler.h"
#include "minitorch/optim/lr_scheduler.h"
#include "minitorch/optim/optimizer.h"
#include "minitorch/optim/sgd.h"
