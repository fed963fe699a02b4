package dev.kindling.models;

import dev.kindling.Tensor;
import dev.kindling.nn.AdaptiveAvgPool2d;
import dev.kindling.nn.BatchNorm2d;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MaxPool2d;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.nn.init.Init;

/**
 * ResNet-18/34/50/101/152 with torchvision's exact architecture, parameter and buffer names
 * ({@code conv1.weight}, {@code layer1.0.bn2.running_mean}, {@code layer2.0.downsample.0.weight},
 * {@code fc.bias}...) and initialisation, so a torchvision state dict saved as safetensors loads
 * with {@code strict = true}.
 *
 * <p>The classic fine-tuning recipe, freezing the backbone and training a new head:
 * <pre>{@code
 * Module resnet = ResNet.resnet50();
 * resnet.requiresGrad_(false);                              // freeze everything
 * resnet.setSubmodule("fc", new Linear(2048, 10));          // a new, trainable head
 * var opt = new SGD(resnet.getSubmodule("fc").parameters(), 0.01).momentum(0.9);
 * }</pre>
 * Forward reads every child through the module registry, so a replaced {@code fc} (or any other
 * child) is used at once.
 */
public final class ResNet extends Module {
    private final String arch;
    private int inplanes = 64;

    /** The residual block of ResNet-18/34: two 3×3 convolutions (expansion 1). */
    public static final class BasicBlock extends Module {
        static final int EXPANSION = 1;
        private final boolean hasDownsample;

        BasicBlock(int inplanes, int planes, int stride, Module downsample) {
            hasDownsample = downsample != null;
            registerModule("conv1", conv3x3(inplanes, planes, stride));
            registerModule("bn1", new BatchNorm2d(planes));
            registerModule("relu", new ReLU(true));
            registerModule("conv2", conv3x3(planes, planes, 1));
            registerModule("bn2", new BatchNorm2d(planes));
            if (downsample != null) registerModule("downsample", downsample);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor out = get("relu").call(get("bn1").call(get("conv1").call(x)));
            out = get("bn2").call(get("conv2").call(out));
            Tensor identity = hasDownsample ? get("downsample").call(x) : x;
            return get("relu").call(out.add(identity));
        }
    }

    /** The residual block of ResNet-50/101/152: 1×1, 3×3, 1×1 convolutions (expansion 4). */
    public static final class Bottleneck extends Module {
        static final int EXPANSION = 4;
        private final boolean hasDownsample;

        Bottleneck(int inplanes, int planes, int stride, Module downsample) {
            hasDownsample = downsample != null;
            registerModule("conv1", conv1x1(inplanes, planes, 1));
            registerModule("bn1", new BatchNorm2d(planes));
            registerModule("conv2", conv3x3(planes, planes, stride));
            registerModule("bn2", new BatchNorm2d(planes));
            registerModule("conv3", conv1x1(planes, planes * EXPANSION, 1));
            registerModule("bn3", new BatchNorm2d(planes * EXPANSION));
            registerModule("relu", new ReLU(true));
            if (downsample != null) registerModule("downsample", downsample);
        }

        @Override
        public Tensor forward(Tensor x) {
            Module relu = get("relu");
            Tensor out = relu.call(get("bn1").call(get("conv1").call(x)));
            out = relu.call(get("bn2").call(get("conv2").call(out)));
            out = get("bn3").call(get("conv3").call(out));
            Tensor identity = hasDownsample ? get("downsample").call(x) : x;
            return relu.call(out.add(identity));
        }
    }

    private static Conv2d conv3x3(int in, int out, int stride) {
        return new Conv2d(in, out, 3, stride, 1, 1, 1, false);
    }

    private static Conv2d conv1x1(int in, int out, int stride) {
        return new Conv2d(in, out, 1, stride, 0, 1, 1, false);
    }

    private ResNet(String arch, boolean bottleneck, int[] layers, int numClasses) {
        this.arch = arch;
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        registerModule("conv1", new Conv2d(3, 64, 7, 2, 3, 1, 1, false));
        registerModule("bn1", new BatchNorm2d(64));
        registerModule("relu", new ReLU(true));
        registerModule("maxpool", new MaxPool2d(3, 2, 1));
        int[] planes = {64, 128, 256, 512};
        for (int i = 0; i < 4; i++) {
            registerModule("layer" + (i + 1), makeLayer(bottleneck, planes[i], layers[i], i == 0 ? 1 : 2));
        }
        registerModule("avgpool", new AdaptiveAvgPool2d(1, 1));
        registerModule("fc", new Linear(512 * expansion, numClasses));
        // torchvision's initialisation: Kaiming normal (fan_out, relu) for convolutions, BN to identity
        for (Module m : modules()) {
            if (m instanceof Conv2d) {
                Init.kaimingNormal_(m.namedParameters("", false).get("weight"), 0, "fan_out", "relu");
            } else if (m instanceof BatchNorm2d) {
                Init.ones_(m.namedParameters("", false).get("weight"));
                Init.zeros_(m.namedParameters("", false).get("bias"));
            }
        }
    }

    private Sequential makeLayer(boolean bottleneck, int planes, int blocks, int stride) {
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        Module downsample = null;
        if (stride != 1 || inplanes != planes * expansion) {
            downsample = new Sequential(conv1x1(inplanes, planes * expansion, stride), new BatchNorm2d(planes * expansion));
        }
        Sequential layer = new Sequential();
        layer.append(bottleneck ? new Bottleneck(inplanes, planes, stride, downsample) : new BasicBlock(inplanes, planes, stride, downsample));
        inplanes = planes * expansion;
        for (int i = 1; i < blocks; i++) {
            layer.append(bottleneck ? new Bottleneck(inplanes, planes, 1, null) : new BasicBlock(inplanes, planes, 1, null));
        }
        return layer;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = get("maxpool").call(get("relu").call(get("bn1").call(get("conv1").call(x))));
        for (int i = 1; i <= 4; i++) h = get("layer" + i).call(h);
        h = get("avgpool").call(h).flatten(1, -1);
        return get("fc").call(h);
    }

    /** "resnet18", "resnet50"... */
    public String arch() { return arch; }

    public static ResNet resnet18() { return resnet18(1000); }

    public static ResNet resnet18(int numClasses) { return new ResNet("resnet18", false, new int[] {2, 2, 2, 2}, numClasses); }

    public static ResNet resnet34() { return resnet34(1000); }

    public static ResNet resnet34(int numClasses) { return new ResNet("resnet34", false, new int[] {3, 4, 6, 3}, numClasses); }

    public static ResNet resnet50() { return resnet50(1000); }

    public static ResNet resnet50(int numClasses) { return new ResNet("resnet50", true, new int[] {3, 4, 6, 3}, numClasses); }

    public static ResNet resnet101() { return resnet101(1000); }

    public static ResNet resnet101(int numClasses) { return new ResNet("resnet101", true, new int[] {3, 4, 23, 3}, numClasses); }

    public static ResNet resnet152() { return resnet152(1000); }

    public static ResNet resnet152(int numClasses) { return new ResNet("resnet152", true, new int[] {3, 8, 36, 3}, numClasses); }
}
