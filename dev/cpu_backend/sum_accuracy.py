# numpy's pairwise float32 sum of the same 1e7 values, against a float64 sum.
import numpy as np
x = np.fromfile("/tmp/sum1e7.f32", dtype=np.float32)
exact = x.astype(np.float64).sum()
s = x.sum()
print(f"numpy float32 sum {s:.6f} rel err {abs(float(s) - exact) / exact:.3e} (float64 {exact:.6f})")
