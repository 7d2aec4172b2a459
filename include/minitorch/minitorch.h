// Everything a user needs: #include "minitorch/minitorch.h".
#pragma once

#include "minitorch/autograd.h"
#include "minitorch/backend_registry.h"
#include "minitorch/device.h"
#include "minitorch/dtype.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/generator.h"
#include "minitorch/layout.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/shape.h"
#include "minitorch/system_info.h"
#include "minitorch/tensor.h"
#include "minitorch/tensor_data.h"
#include "minitorch/version.h"
