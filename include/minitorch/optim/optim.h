// Everything in minitorch::optim: the Optimizer base, SGD and Adam.
#pragma once

#include "minitorch/optim/adam.h"
#include "minitorch/optim/optimizer.h"
#include "minitorch/optim/sgd.h"
