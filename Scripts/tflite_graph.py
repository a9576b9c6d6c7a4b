"""Reads a TFLite flatbuffer into a small graph: operators in execution order, tensors, constants.

Used by convert_weights.py. Needs the PyPI packages `tflite` (generated schema bindings) and
`numpy`; no TensorFlow. Only the first subgraph is read (a classifier has one).

Contracts:
- `Graph.ops` lists operators in the order the interpreter runs them (the flatbuffer order).
- `Graph.constant(t)` returns the float32 value of a weight tensor: stored float32/float16, or
  integer data dequantized as (q - zero_point) * scale, per tensor or per channel along the
  tensor's `quantized_dimension`; a tensor produced by a DEQUANTIZE of a constant (float16 and
  dynamic-range models) is followed to its source. The layout is TFLite's, unchanged.
"""

import numpy as np
import tflite

# TFLite TensorType -> numpy dtype, for the types a MobileNetV2's weights can be stored in.
_DTYPES = {
    tflite.TensorType.FLOAT32: np.float32,
    tflite.TensorType.FLOAT16: np.float16,
    tflite.TensorType.INT32: np.int32,
    tflite.TensorType.UINT8: np.uint8,
    tflite.TensorType.INT8: np.int8,
}
_OP_NAMES = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
_OPTION_CLASSES = {
    "CONV_2D": tflite.Conv2DOptions,
    "DEPTHWISE_CONV_2D": tflite.DepthwiseConv2DOptions,
    "FULLY_CONNECTED": tflite.FullyConnectedOptions,
    "AVERAGE_POOL_2D": tflite.Pool2DOptions,
}


class GraphError(Exception):
    """The file is not a TFLite model this reader can read (one-line message)."""


class Op:
    """One operator: its index in execution order, builtin name, tensor indices (-1 = absent)."""

    def __init__(self, index, name, inputs, outputs, options):
        self.index, self.name, self.inputs, self.outputs, self.options = index, name, inputs, outputs, options

    def __repr__(self):
        return f"{self.name} (operator {self.index})"


class Graph:
    def __init__(self, data):
        if len(data) < 8 or data[4:8] != b"TFL3":
            raise GraphError("not a TFLite model (no 'TFL3' flatbuffer identifier)")
        self._data = data
        try:
            self._model = tflite.Model.GetRootAsModel(data, 0)
            if self._model.SubgraphsLength() < 1:
                raise GraphError("the TFLite model has no subgraph")
            self._graph = self._model.Subgraphs(0)
            self.inputs = list(self._graph.InputsAsNumpy())
            self.outputs = list(self._graph.OutputsAsNumpy())
            self.ops = [self._read_op(i) for i in range(self._graph.OperatorsLength())]
        except GraphError:
            raise
        except Exception as e:  # the flatbuffers runtime raises bare struct/index errors on bad offsets
            raise GraphError(f"corrupt or truncated TFLite flatbuffer ({type(e).__name__}: {e})") from None
        self.producer = {t: op for op in self.ops for t in op.outputs}
        self.consumers = {}
        for op in self.ops:
            for t in op.inputs:
                if t >= 0:
                    self.consumers.setdefault(t, []).append(op)

    def _read_op(self, i):
        op = self._graph.Operators(i)
        code = self._model.OperatorCodes(op.OpcodeIndex())
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        name = _OP_NAMES.get(builtin, f"builtin {builtin}")
        if name == "CUSTOM":
            name = f"CUSTOM {code.CustomCode().decode(errors='replace')}"
        options = None
        if name in _OPTION_CLASSES and op.BuiltinOptions() is not None:
            table = op.BuiltinOptions()
            options = _OPTION_CLASSES[name]()
            options.Init(table.Bytes, table.Pos)
        return Op(i, name, [int(t) for t in op.InputsAsNumpy()], [int(t) for t in op.OutputsAsNumpy()], options)

    def shape(self, t):
        tensor = self._graph.Tensors(t)
        return tuple(int(d) for d in tensor.ShapeAsNumpy()) if tensor.ShapeLength() else ()

    def tensor_name(self, t):
        return self._graph.Tensors(t).Name().decode(errors="replace")

    def _raw(self, t):
        """The stored bytes of tensor t, or None when it has no constant data."""
        tensor = self._graph.Tensors(t)
        buffer = self._model.Buffers(tensor.Buffer())
        if buffer.DataLength() > 0:
            return buffer.DataAsNumpy().tobytes()
        if buffer.Offset() > 1:  # models over 2 GB keep buffers after the flatbuffer
            return self._data[buffer.Offset():buffer.Offset() + buffer.Size()]
        return None

    def is_constant(self, t):
        if t < 0:
            return False
        if self._raw(t) is not None:
            return True
        source = self.producer.get(t)
        return source is not None and source.name == "DEQUANTIZE" and self.is_constant(source.inputs[0])

    def constant(self, t):
        """float32 value of constant tensor t in TFLite's layout (see the module docstring)."""
        raw = self._raw(t)
        if raw is None:
            source = self.producer.get(t)
            if source is not None and source.name == "DEQUANTIZE":
                return self.constant(source.inputs[0])
            raise GraphError(f"tensor '{self.tensor_name(t)}' should be a constant but has no data")
        tensor = self._graph.Tensors(t)
        if tensor.Sparsity() is not None:
            raise GraphError(f"tensor '{self.tensor_name(t)}' is sparse; sparse weights are not supported")
        dtype = _DTYPES.get(tensor.Type())
        if dtype is None:
            raise GraphError(f"tensor '{self.tensor_name(t)}' has unsupported type {tensor.Type()}")
        shape = self.shape(t)
        values = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))
        if values.size != int(np.prod(shape, dtype=np.int64)):
            raise GraphError(f"tensor '{self.tensor_name(t)}' holds {values.size} values for shape {list(shape)}")
        values = values.reshape(shape)
        if dtype in (np.float32, np.float16):
            return values.astype(np.float32)
        return self._dequantize(t, values)

    def _dequantize(self, t, q):
        """(q - zero_point) * scale in float64, then float32; per channel along quantized_dimension."""
        quant = self._graph.Tensors(t).Quantization()
        if quant is None or quant.ScaleLength() == 0:
            raise GraphError(f"integer tensor '{self.tensor_name(t)}' has no quantization scale")
        scale = quant.ScaleAsNumpy().astype(np.float64)
        zero = quant.ZeroPointAsNumpy().astype(np.float64) if quant.ZeroPointLength() else np.zeros_like(scale)
        if zero.size == 1 and scale.size > 1:
            zero = np.full_like(scale, zero[0])
        if scale.size > 1:
            axis = quant.QuantizedDimension()
            if axis >= q.ndim or q.shape[axis] != scale.size or zero.size != scale.size:
                raise GraphError(f"tensor '{self.tensor_name(t)}': {scale.size} scales do not fit shape "
                                 f"{list(q.shape)} along dimension {axis}")
            view = [1] * q.ndim
            view[axis] = scale.size
            scale, zero = scale.reshape(view), zero.reshape(view)
        return ((q.astype(np.float64) - zero) * scale).astype(np.float32)
