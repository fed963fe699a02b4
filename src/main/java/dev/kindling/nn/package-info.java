/**
 * Neural-network building blocks with PyTorch's names, semantics, initialisation and printing:
 * {@link dev.kindling.nn.Module} and its registries, layers ({@link dev.kindling.nn.Linear},
 * {@link dev.kindling.nn.Conv2d}, {@link dev.kindling.nn.BatchNorm2d},
 * {@link dev.kindling.nn.LayerNorm}, {@link dev.kindling.nn.Embedding}, ...), activations,
 * containers ({@link dev.kindling.nn.Sequential}, {@link dev.kindling.nn.ModuleList},
 * {@link dev.kindling.nn.ModuleDict}) and losses ({@link dev.kindling.nn.CrossEntropyLoss}, ...).
 *
 * <pre>{@code
 * import dev.kindling.*;
 * import dev.kindling.nn.*;
 * import dev.kindling.nn.Module;   // by name: java.lang.Module makes the wildcard ambiguous
 *
 * Module net = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10));
 * Tensor loss = new CrossEntropyLoss().forward(net.forward(x), targets);
 * loss.backward();
 * }</pre>
 *
 * <p>Layers hold parameters and settings; the arithmetic is in
 * {@link dev.kindling.nn.functional.F}, written with public tensor ops only, so every layer runs
 * on every backend and is differentiable to any order. Default initialisations draw from the
 * default generator through {@link dev.kindling.nn.init.Init} in PyTorch's order, so a model built
 * after {@code Torch.manualSeed(s)} has the weights PyTorch gives after
 * {@code torch.manual_seed(s)} (checked against libtorch for Linear and Conv2d).
 *
 * <p>Writing a model: register each parameter, buffer and submodule with one call from the
 * constructor, and read submodules in {@code forward} through {@code get(name)} so that
 * {@code setSubmodule} replacements take effect (Module's Note [Reading submodules in forward]).
 * Run models with {@code forward} or with {@code call}, which also runs forward hooks.
 */
package dev.kindling.nn;
