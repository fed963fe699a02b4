/**
 * Optimizers with PyTorch's semantics ({@code torch.optim}): {@link dev.kindling.optim.SGD},
 * {@link dev.kindling.optim.Adam}, {@link dev.kindling.optim.AdamW}, {@link dev.kindling.optim.RMSprop},
 * {@link dev.kindling.optim.Adagrad}, {@link dev.kindling.optim.Adadelta},
 * {@link dev.kindling.optim.Adamax}, {@link dev.kindling.optim.NAdam},
 * {@link dev.kindling.optim.RAdam} and {@link dev.kindling.optim.LBFGS} (stepped with a closure
 * that re-evaluates the loss), over the common {@link dev.kindling.optim.Optimizer} base.
 * Learning-rate schedulers are in {@code dev.kindling.optim.lr}.
 *
 * <pre>{@code
 * var opt = new SGD(net.parameters(), 0.01).momentum(0.9).weightDecay(1e-4);
 * opt.addParamGroup(head.parameters(), Map.of("lr", 0.1));   // a group with its own lr
 * for (...) {
 *     opt.zeroGrad();
 *     loss.backward();
 *     opt.step();
 * }
 * }</pre>
 *
 * <p>Each update is PyTorch's single-tensor ({@code foreach=False}) implementation written with
 * Kindling's in-place tensor ops, op for op, so trajectories agree with PyTorch's to the rounding
 * of the underlying kernels. Optimizers take plain {@code List<Tensor>} parameters and do not
 * depend on {@code dev.kindling.nn}.
 *
 * <h2>Note [Hyper-parameters and groups]</h2>
 * An optimizer has defaults (its constructor's arguments and fluent setters) and a list of
 * {@link dev.kindling.optim.ParamGroup}s. A group takes every default it does not set itself. A
 * fluent setter ({@code momentum(0.9)}) changes the default and every group that did not set
 * that key itself, so {@code new SGD(params, 0.01).momentum(0.9)} configures the first group,
 * and a backbone group added with {@code Map.of("lr", 1e-4)} keeps its own lr when {@code lr(...)}
 * is called later; a key written with {@code ParamGroup.set} (as schedulers write {@code "lr"})
 * belongs to that group from then on. Keys are PyTorch's snake_case names ({@code weight_decay},
 * {@code betas}); a camelCase spelling of a known key is refused rather than silently kept as an
 * extra entry. Unlike PyTorch, group options are checked with the constructor's checks wherever
 * they are written. Combinations that fluent setters may pass through on the way (SGD's nesterov
 * before its momentum) are checked when {@code step()} runs, before anything changes.
 *
 * <h2>Note [Frozen parameters]</h2>
 * {@code step()} skips a parameter whose {@code grad()} is null, as PyTorch does, and also one
 * whose {@code requiresGrad()} is false even if it still holds a gradient (PyTorch would apply
 * that stale gradient): freezing a layer with {@code requiresGrad_(false)} guarantees that no
 * optimizer touches it, weight decay and momentum included. A tensor whose gradient is assigned
 * by hand must therefore require grad to be stepped.
 *
 * <h2>Note [State dict format]</h2>
 * {@code stateDict()} returns {@code {"state": {index: {name: value}}, "param_groups": [{...,
 * "params": [indices]}]}} as PyTorch does: parameters are numbered across groups in order, and
 * the state maps hold the optimizer's own tensors (not copies). {@code loadStateDict} copies
 * what it loads: floating-point state tensors are cast to the parameter's dtype and device,
 * scalar entries ({@code step}, NAdam's {@code mu_product}) become 0-dim float32 CPU tensors
 * (PyTorch would cast {@code mu_product} to the parameter's dtype; keeping float32 makes a
 * reloaded optimizer continue the identical trajectory), and it checks everything (group count
 * and sizes, indices, entry names, shapes, hyper-parameter values) before changing anything.
 */
package dev.kindling.optim;
