"""Matches a TFLite graph to keras.applications.MobileNetV2 and returns Keras-layout weights.

Walks the weighted operators (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) in execution order
against the Keras structure
    Conv1 (3x3/2) -> expanded_conv_{depthwise,project} -> block_N_{expand,depthwise,project}, N = 1..16
    -> Conv_1 (1x1) -> global average pool -> predictions
checking for each one the operator, kernel size, stride, fused activation, input channels
(depthwise: output = input channels, i.e. depth multiplier 1), output size, and the operator it
reads (through PAD / QUANTIZE / DEQUANTIZE / RELU6); plus the residual ADD of every block whose
input and output channels match at stride 1 (Keras's rule), the global average pool, and that no
operator is left over. Channel counts come from the shapes, so any width alpha matches. The
first mismatch raises NotMobileNetV2 with one line naming what was found and what was expected.

Weights come back in Keras's legacy order and layouts (`Matcher.add_conv`, `predictions`):
CONV_2D [out, kh, kw, in] -> kernel [kh, kw, in, out]; DEPTHWISE_CONV_2D [1, kh, kw, C] ->
depthwise_kernel [kh, kw, C, 1]; the head's [out, in] (or [out, 1, 1, in]) -> kernel [in, out],
without class 0 when there are 1001 classes (TF-slim's background class). Values are float32,
dequantized by tflite_graph. BatchNorm is folded into TFLite's convolutions, so every Keras BN
layer becomes identity plus the folded bias: gamma 1, moving_mean 0, moving_variance
1 - epsilon (Keras's 0.001), beta = bias; (x - 0) / sqrt(1 - eps + eps) * 1 + bias = x + bias.
"""

import numpy as np

from tflite_graph import GraphError

KERAS_BN_EPSILON = 0.001
# (pointwise filters at alpha 1, stride, expansion) of blocks 0..16, keras mobilenet_v2.py.
BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
          (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
          (320, 1, 6)]
WEIGHTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
PASS_THROUGH = ("PAD", "QUANTIZE", "DEQUANTIZE", "RELU6")  # ops allowed between two layers
HEAD_PASS_THROUGH = PASS_THROUGH + ("RESHAPE", "SQUEEZE")
KNOWN = set(WEIGHTED) | set(HEAD_PASS_THROUGH) | {"ADD", "AVERAGE_POOL_2D", "MEAN", "SOFTMAX"}
RELU6, LINEAR = 3, 0  # tflite ActivationFunctionType
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}


class NotMobileNetV2(GraphError):
    """The graph is readable TFLite but not a MobileNetV2 this converter recognises."""


class Matcher:
    def __init__(self, graph):
        self.g = graph
        self.weighted = [op for op in graph.ops if op.name in WEIGHTED]
        self.next = 0  # index into self.weighted
        self.used = set()  # operator indices accounted for
        self.layers = []  # (keras layer, [(weight name, float32 array)])
        self.previous = "the graph input"
        self.last_project = None  # project op of the block matched last
        self.head_op = None  # the predictions op, once matched

    def fail(self, message):
        raise NotMobileNetV2(message)

    def trace(self, t, allowed=PASS_THROUGH):
        """(operator, tensor): the op whose output `tensor` reaches tensor t through `allowed` ops
        (None for a graph input). The ops passed through are accounted for."""
        while True:
            op = self.g.producer.get(t)
            if op is None or op.name not in allowed:
                return op, t
            self.used.add(op.index)
            t = op.inputs[0]

    def source(self, t, allowed=PASS_THROUGH):
        return self.trace(t, allowed)[0]

    def activation_input(self, op):
        inputs = [t for t in op.inputs if t >= 0 and not self.g.is_constant(t)]
        if len(inputs) != 1:
            self.fail(f"{op} has {len(inputs)} non-constant inputs, expected 1")
        return inputs[0]

    def take(self, layer, kind, kernel, stride, relu6, in_channels, reads):
        """The next weighted op, checked to be Keras layer `layer`: a `kind` op with a kernel x kernel
        filter, `stride`, ReLU6 or no activation, on `in_channels` channels, reading op `reads`."""
        if self.next >= len(self.weighted):
            self.fail(f"the graph ends after {self.previous}; expected {layer} ({kernel}x{kernel} {kind})")
        op = self.weighted[self.next]
        if op.name != kind:
            self.fail(f"expected {layer} ({kernel}x{kernel} {kind}) after {self.previous}, found {self.found(op)}")
        self.check_filter(op, layer, kernel, stride, in_channels)
        self.check_activation(op, layer, relu6)
        allowed = HEAD_PASS_THROUGH if layer == "predictions" else PASS_THROUGH
        src, tensor = self.trace(self.activation_input(op), allowed)
        if src is None and tensor not in self.g.inputs:
            self.fail(f"{layer} = {op} reads tensor '{self.g.tensor_name(tensor)}', which no operator writes")
        if src is not reads:
            self.fail(f"{layer} = {op} reads {src or 'the graph input'}, expected {reads or 'the graph input'}")
        self.check_sizes(op, layer, stride, tensor, in_channels)
        for t in op.inputs[1:]:  # DEQUANTIZE ops that expand float16 / int8 constants belong to the layer
            if t >= 0:
                self.trace(t)
        self.used.add(op.index)
        self.next += 1
        self.previous = f"{layer} = {op}"
        return op

    def found(self, op):
        return f"{op} with filter {list(self.g.shape(op.inputs[1]))}"

    def check_filter(self, op, layer, kernel, stride, in_channels):
        """Constant filter, kernel size, stride, no dilation, input channels (depthwise: channels x 1)."""
        shape = self.g.shape(op.inputs[1])
        if not self.g.is_constant(op.inputs[1]):
            self.fail(f"{layer} = {op} has a filter that is not a constant")
        if op.name == "FULLY_CONNECTED":
            if len(shape) != 2 or (op.options is not None and op.options.WeightsFormat() != 0):
                self.fail(f"expected {layer} with a plain [out, in] weight matrix, found {self.found(op)}")
        else:
            o = op.options
            if len(shape) != 4 or shape[1:3] != (kernel, kernel):
                self.fail(f"expected {layer} with a {kernel}x{kernel} filter, found {self.found(op)}")
            if o is None or (o.StrideH(), o.StrideW()) != (stride, stride):
                self.fail(f"expected {layer} with stride {stride}, found {self.found(op)}")
            if (o.DilationHFactor(), o.DilationWFactor()) != (1, 1):
                self.fail(f"expected {layer} without dilation, found {self.found(op)}")
            if op.name == "DEPTHWISE_CONV_2D" and shape[0] != 1:
                self.fail(f"expected {layer} with a [1, {kernel}, {kernel}, C] filter, found {self.found(op)}")
        if shape[-1] != in_channels:  # depthwise: out = in channels, i.e. depth multiplier 1
            self.fail(f"expected {layer} on {in_channels} channels, found {self.found(op)}")

    def check_activation(self, op, layer, relu6):
        act = op.options.FusedActivationFunction() if op.options is not None else LINEAR
        name = ACTIVATIONS.get(act, str(act))
        if relu6 and act != RELU6:
            users = self.g.consumers.get(op.outputs[0], [])
            if act != LINEAR or len(users) != 1 or users[0].name != "RELU6":
                self.fail(f"expected {layer} followed by ReLU6, {op} has fused activation {name}")
        if not relu6 and act != LINEAR:
            self.fail(f"expected {layer} without activation, {op} has fused activation {name}")

    def check_sizes(self, op, layer, stride, source_tensor, in_channels):
        """The source has `in_channels` channels, and output height, width = ceil(source / stride)
        as Keras pads (a PAD in between is Keras's ZeroPadding2D); unknown sizes are not checked."""
        src, out = self.g.shape(source_tensor), self.g.shape(op.outputs[0])
        if src and src[-1] > 0 and src[-1] != in_channels:
            self.fail(f"{layer} = {op} reads {src[-1]} channels, expected {in_channels}")
        if len(src) == 4 and len(out) == 4 and min(src[1:3]) > 0 and min(out[1:3]) > 0:
            want = tuple(-(-n // stride) for n in src[1:3])
            if out[1:3] != want:
                self.fail(f"{layer} = {op} maps {src[1]}x{src[2]} to {out[1]}x{out[2]}, expected "
                          f"{want[0]}x{want[1]}")

    def add_conv(self, name, bn, op, depthwise=False):
        filt = self.g.constant(op.inputs[1])
        kernel = filt[0][..., np.newaxis] if depthwise else filt.transpose(1, 2, 3, 0)
        channels = kernel.shape[2] if depthwise else kernel.shape[3]
        bias = self.bias(op, channels)
        self.layers.append((name, [("depthwise_kernel" if depthwise else "kernel", kernel)]))
        self.layers.append((bn, [("gamma", np.ones(channels, np.float32)), ("beta", bias),
                                 ("moving_mean", np.zeros(channels, np.float32)),
                                 ("moving_variance", np.full(channels, 1 - KERAS_BN_EPSILON, np.float32))]))

    def bias(self, op, channels):
        if len(op.inputs) < 3 or op.inputs[2] < 0:
            return np.zeros(channels, np.float32)  # no bias operand: the folded bias is zero
        bias = self.g.constant(op.inputs[2])
        if bias.shape != (channels,):
            self.fail(f"{op} has bias shape {list(bias.shape)} for {channels} output channels")
        return bias

    def out_channels(self, op):
        shape = self.g.shape(op.inputs[1])
        return shape[-1] if op.name == "DEPTHWISE_CONV_2D" else shape[0]


def match(graph):
    """[(keras layer, [(weight name, float32 array)])] in Keras order, and a summary dict."""
    for op in graph.ops:
        if op.name not in KNOWN:
            raise NotMobileNetV2(f"{op} is not an operator MobileNetV2 uses")
    shapes = [list(graph.shape(t)) for t in graph.inputs]
    if len(shapes) != 1 or len(shapes[0]) != 4 or shapes[0][3] != 3:
        raise NotMobileNetV2(f"expected one NHWC RGB input, found inputs {shapes}")
    m = Matcher(graph)
    conv1 = m.take("Conv1", "CONV_2D", 3, 2, True, 3, None)
    m.add_conv("Conv1", "bn_Conv1", conv1)
    stem = m.out_channels(conv1)
    block_output, outputs = conv1, []
    for n in range(len(BLOCKS)):
        block_output = inverted_residual_block(m, n, block_output, outputs[-1] if outputs else stem)
        outputs.append(m.out_channels(m.last_project))
    conv_1 = m.take("Conv_1", "CONV_2D", 1, 1, True, outputs[-1], block_output)
    m.add_conv("Conv_1", "Conv_1_bn", conv_1)
    head = m.out_channels(conv_1)
    classes = predictions(m, global_pool(m, conv_1), head)
    if m.next < len(m.weighted):
        m.fail(f"unexpected {m.weighted[m.next]} after predictions")
    leftover = [op for op in graph.ops if op.index not in m.used and not output_op(m, op)]
    if leftover:
        m.fail(f"{leftover[0]} is not part of the MobileNetV2 structure")
    summary = {"stem": stem, "blocks": outputs, "head": head, "classes": classes, "input": shapes[0]}
    return m.layers, summary


def inverted_residual_block(m, n, block_input, channels):
    """Block n (Keras `_inverted_res_block`): [expand 1x1 ->] depthwise 3x3 -> project 1x1 [-> add].
    Returns the op whose output is the block's output (the ADD, or the project)."""
    _, stride, expansion = BLOCKS[n]
    prefix = "expanded_conv_" if n == 0 else f"block_{n}_"
    reads, expanded = block_input, channels
    if n > 0:
        expand = m.take(prefix + "expand", "CONV_2D", 1, 1, True, channels, block_input)
        expanded = m.out_channels(expand)
        if expanded != expansion * channels:
            m.fail(f"{prefix}expand = {expand} has {expanded} output channels, expected "
                   f"{expansion} x {channels} = {expansion * channels}")
        m.add_conv(prefix + "expand", prefix + "expand_BN", expand)
        reads = expand
    dw = m.take(prefix + "depthwise", "DEPTHWISE_CONV_2D", 3, stride, True, expanded, reads)
    m.add_conv(prefix + "depthwise", prefix + "depthwise_BN", dw, depthwise=True)
    project = m.take(prefix + "project", "CONV_2D", 1, 1, False, expanded, dw)
    m.add_conv(prefix + "project", prefix + "project_BN", project)
    m.last_project = project
    if m.out_channels(project) == channels and stride == 1:  # Keras adds the shortcut exactly then
        return residual_add(m, prefix, project, block_input)
    return project


def residual_add(m, prefix, project, block_input):
    """The ADD of the project output and the block input (Keras `block_N_add`)."""
    for op in m.g.consumers.get(project.outputs[0], []):
        if op.name == "ADD" and len(op.inputs) == 2:
            a, b = (m.source(t) for t in op.inputs)
            if (a is project and b is block_input) or (a is block_input and b is project):
                m.used.add(op.index)
                return op
    m.fail(f"expected a residual ADD of {prefix}project = {project} and the block input {block_input}")


def global_pool(m, conv_1):
    """AVERAGE_POOL_2D over the whole map or MEAN over height and width, reading Conv_1."""
    for op in m.g.ops:
        if op.name in ("AVERAGE_POOL_2D", "MEAN") and m.source(op.inputs[0]) is conv_1:
            src, out = m.g.shape(op.inputs[0]), m.g.shape(op.outputs[0])
            if len(src) == 4 and int(np.prod(out)) == src[0] * src[3]:
                m.used.add(op.index)
                return op
            m.fail(f"{op} after Conv_1 maps {list(src)} to {list(out)}, not a global average pool")
    m.fail(f"expected a global average pool after Conv_1 = {conv_1}")


def predictions(m, pool, head):
    """The Dense head (FULLY_CONNECTED, or a 1x1 CONV_2D on the pooled map): Keras kernel [head, classes]."""
    if m.next >= len(m.weighted):
        m.fail(f"the graph ends after {m.previous}; expected the classifier (predictions)")
    kind = m.weighted[m.next].name
    if kind not in ("FULLY_CONNECTED", "CONV_2D"):
        m.fail(f"expected predictions (FULLY_CONNECTED or 1x1 CONV_2D), found {m.found(m.weighted[m.next])}")
    op = m.take("predictions", kind, 1, 1, False, head, pool)
    weights = m.g.constant(op.inputs[1])
    kernel = weights.reshape(weights.shape[0], -1).T  # [out, in] or [out, 1, 1, in] -> [in, out]
    bias = m.bias(op, kernel.shape[1])
    if kernel.shape[1] == 1001:  # TF-slim heads put a background class first; Keras has 1000
        kernel, bias = kernel[:, 1:], bias[1:]
    m.layers.append(("predictions", [("kernel", np.ascontiguousarray(kernel)), ("bias", bias)]))
    m.head_op = op
    return kernel.shape[1]


def output_op(m, op):
    """SOFTMAX / RESHAPE / SQUEEZE / QUANTIZE / DEQUANTIZE after predictions (towards the output)."""
    if op.name not in ("SOFTMAX",) + HEAD_PASS_THROUGH:
        return False
    return m.source(op.inputs[0], HEAD_PASS_THROUGH + ("SOFTMAX",)) is m.head_op
