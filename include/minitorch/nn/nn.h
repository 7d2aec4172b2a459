// Everything in minitorch::nn: modules, activations, losses, functional ops, checkpoints.
#pragma once

#include "minitorch/nn/activation.h"
#include "minitorch/nn/clip_grad.h"
#include "minitorch/nn/conv.h"
#include "minitorch/nn/dropout.h"
#include "minitorch/nn/embedding.h"
#include "minitorch/nn/flatten.h"
#include "minitorch/nn/functional.h"
#include "minitorch/nn/linear.h"
#include "minitorch/nn/loss.h"
#include "minitorch/nn/module.h"
#include "minitorch/nn/module_list.h"
#include "minitorch/nn/normalization.h"
#include "minitorch/nn/pooling.h"
#include "minitorch/nn/safetensors.h"
#include "minitorch/nn/sequential.h"
