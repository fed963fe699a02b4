# Writes reference.safetensors with the reference implementation (pip install safetensors numpy),
# for SafetensorsFileTest.readsFileWrittenByReferenceImplementation. Tensor k of each dtype holds
# the values the test recomputes: element i = f(i) as given below.
import numpy as np
from safetensors.numpy import save_file

def seq(n):
    return np.arange(n, dtype=np.int64)

tensors = {
    "f64": (seq(6) * 0.25 - 1.0).astype(np.float64).reshape(2, 3),          # i/4 - 1
    "f32": (seq(24) * 0.5 - 3.0).astype(np.float32).reshape(2, 3, 4),       # i/2 - 3
    "f16": (seq(5) * 1.5 - 2.0).astype(np.float16),                         # 1.5 i - 2
    "i64": (seq(4) * 1_000_000_007 - 2**40).astype(np.int64).reshape(4, 1), # 1000000007 i - 2^40
    "i32": (seq(3) * -70000 + 5).astype(np.int32),                          # 5 - 70000 i
    "i16": (seq(4) * 1000 - 1500).astype(np.int16).reshape(2, 2),           # 1000 i - 1500
    "i8": (seq(6) * 50 - 128).astype(np.int8),                              # 50 i - 128
    "u8": (seq(8) * 37 % 256).astype(np.uint8).reshape(2, 2, 2),            # 37 i mod 256
    "bool": (seq(5) % 2 == 0),                                              # i even
    "scalar": np.array(3.25, dtype=np.float32),                             # 0-dim
    "empty": np.zeros((0, 3), dtype=np.float32),
}
save_file(tensors, "reference.safetensors", metadata={"format": "np", "note": "caf\u00e9 \"quoted\""})
