package dev.kindling.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kindling.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Module printing against the strings PyTorch 2.x's {@code repr(module)} gives for the same
 * modules, character for character.
 */
class ReprTest {
    @Test
    void sequentialOfLayers() {
        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=784, out_features=512, bias=True)\n"
                + "  (1): ReLU()\n"
                + "  (2): Linear(in_features=512, out_features=10, bias=False)\n"
                + ")", new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10, false)).toString());
        assertEquals("Sequential()", new Sequential().toString());
    }

    @Test
    void layerSettings() {
        assertEquals("BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(64).toString());
        assertEquals("BatchNorm1d(10, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
                new BatchNorm1d(10, 1e-3, null, false, false).toString());
        assertEquals("LayerNorm((10,), eps=1e-05, elementwise_affine=True)", new LayerNorm(10).toString());
        assertEquals("LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)", new LayerNorm(new int[] {2, 3}, 1e-6, false).toString());
        assertEquals("GroupNorm(2, 6, eps=1e-05, affine=True)", new GroupNorm(2, 6).toString());
        assertEquals("Dropout(p=0.5, inplace=False)", new Dropout().toString());
        assertEquals("Dropout(p=0.25, inplace=True)", new Dropout(0.25, true).toString());
        assertEquals("Embedding(10, 3)", new Embedding(10, 3).toString());
        assertEquals("Embedding(10, 3, padding_idx=9)", new Embedding(10, 3, -1).toString());
        assertEquals("Embedding(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)",
                new Embedding(10, 3, null, 1.0, 1.0, true).toString());
        assertEquals("Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)", new Bilinear(2, 3, 4).toString());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
        assertEquals("Unflatten(dim=1, unflattened_size=(2, 5))", new Unflatten(1, 2, 5).toString());
        assertEquals("Unflatten(dim=-1, unflattened_size=(7,))", new Unflatten(-1, 7).toString());
        assertEquals("Identity()", new Identity().toString());
    }

    @Test
    void convolutionsAndPooling() {
        assertEquals("Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)",
                new Conv2d(3, 64, 7, 2, 3, 1, 1, false).toString());
        assertEquals("Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(16, 32, 3).toString());
        assertEquals("Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2, padding_mode=reflect)",
                new Conv2d(4, 4, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 2, true, "reflect").toString());
        assertEquals("Conv1d(4, 8, kernel_size=(5,), stride=(2,), padding=(1,), dilation=(2,))",
                new Conv1d(4, 8, 5, 2, 1, 2, 1, true, "zeros").toString());
        assertEquals("ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
                new ConvTranspose2d(4, 2, 3, 2, 1, 1).toString());
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)", new MaxPool2d(3, 2, 1).toString());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=(2, 3), stride=(1, 1), padding=0, dilation=1, ceil_mode=True)",
                new MaxPool2d(new int[] {2, 3}, new int[] {1, 1}, new int[] {0}, new int[] {1}, true).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(1, 1))", new AdaptiveAvgPool2d(1, 1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=7)", new AdaptiveAvgPool2d(7).toString());
        assertEquals("AdaptiveMaxPool2d(output_size=(2, 3))", new AdaptiveMaxPool2d(2, 3).toString());
    }

    @Test
    void activations() {
        assertEquals("ReLU()", new ReLU().toString());
        assertEquals("ReLU(inplace=True)", new ReLU(true).toString());
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("LeakyReLU(negative_slope=0.2, inplace=True)", new LeakyReLU(0.2, true).toString());
        assertEquals("ELU(alpha=1.0)", new ELU().toString());
        assertEquals("GELU(approximate='none')", new GELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("SiLU()", new SiLU().toString());
        assertEquals("SiLU(inplace=True)", new SiLU(true).toString());
        assertEquals("Sigmoid()", new Sigmoid().toString());
        assertEquals("Tanh()", new Tanh().toString());
        assertEquals("Softmax(dim=1)", new Softmax(1).toString());
        assertEquals("LogSoftmax(dim=-1)", new LogSoftmax(-1).toString());
        assertEquals("Softplus(beta=1.0, threshold=20.0)", new Softplus().toString());
        assertEquals("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().toString());
        assertEquals("Mish()", new Mish().toString());
        assertEquals("CrossEntropyLoss()", new CrossEntropyLoss().toString());
        assertEquals("TripletMarginLoss()", new TripletMarginLoss(1.0).toString());
    }

    @Test
    void nestedModulesIndentTheirChildren() {
        class Net extends Module {
            Net() {
                registerModule("fc1", new Linear(4, 8));
                registerModule("bn", new BatchNorm1d(8));
                registerModule("head", new Sequential(new ReLU(), new Linear(8, 3)));
            }

            @Override
            public Tensor forward(Tensor x) { return get("head").call(get("bn").call(get("fc1").call(x))); }
        }
        assertEquals("Net(\n"
                + "  (fc1): Linear(in_features=4, out_features=8, bias=True)\n"
                + "  (bn): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
                + "  (head): Sequential(\n"
                + "    (0): ReLU()\n"
                + "    (1): Linear(in_features=8, out_features=3, bias=True)\n"
                + "  )\n"
                + ")", new Net().toString());
    }

    @Test
    void extraReprWithChildrenGoesOnItsOwnLine() {
        class Block extends Module {
            Block() { registerModule("act", new ReLU()); }

            @Override
            protected String extraRepr() { return "channels=3"; }

            @Override
            public Tensor forward(Tensor x) { return x; }
        }
        assertEquals("Block(\n  channels=3\n  (act): ReLU()\n)", new Block().toString());
    }

    @Test
    void moduleListCompressesRepeats() {
        ModuleList l = new ModuleList(new Linear(2, 2), new Linear(2, 2), new Linear(2, 2), new ReLU(),
                new Sequential(new ReLU()), new Sequential(new ReLU()));
        assertEquals("ModuleList(\n"
                + "  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
                + "  (3): ReLU()\n"
                + "  (4-5): 2 x Sequential(\n"
                + "    (0): ReLU()\n"
                + "  )\n"
                + ")", l.toString());
        assertEquals("ModuleList()", new ModuleList().toString());
    }

    @Test
    void moduleDictUsesItsKeys() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("act", new ReLU());
        m.put("drop", new Dropout(0.1));
        assertEquals("ModuleDict(\n  (act): ReLU()\n  (drop): Dropout(p=0.1, inplace=False)\n)", new ModuleDict(m).toString());
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", Repr.pyFloat(1e-5));
        assertEquals("0.0001", Repr.pyFloat(1e-4));
        assertEquals("1.5e-07", Repr.pyFloat(1.5e-7));
        assertEquals("1e-12", Repr.pyFloat(1e-12));
        assertEquals("0.1", Repr.pyFloat(0.1));
        assertEquals("0.30000000000000004", Repr.pyFloat(0.1 + 0.2));
        assertEquals("20.0", Repr.pyFloat(20));
        assertEquals("-1.0", Repr.pyFloat(-1));
        assertEquals("123456789.0", Repr.pyFloat(123456789));
        assertEquals("1e+16", Repr.pyFloat(1e16));
        assertEquals("1234567890123456.0", Repr.pyFloat(1234567890123456.0));
        assertEquals("0.0", Repr.pyFloat(0));
        assertEquals("-0.0", Repr.pyFloat(-0.0));
        assertEquals("inf", Repr.pyFloat(Double.POSITIVE_INFINITY));
        assertEquals("nan", Repr.pyFloat(Double.NaN));
    }
}
