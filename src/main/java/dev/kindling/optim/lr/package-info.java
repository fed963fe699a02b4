/**
 * Learning-rate schedulers with PyTorch's semantics ({@code torch.optim.lr_scheduler}). They
 * write the param groups' {@code "lr"} (and, for the cyclic ones, {@code "momentum"} or beta1)
 * of a {@link dev.kindling.optim.Optimizer}; call {@code step()} after the optimizer's step, once
 * per epoch or per batch as the schedule intends.
 *
 * <pre>{@code
 * var opt = new SGD(net.parameters(), 0.1).momentum(0.9);
 * var sched = new SequentialLR(opt,
 *         List.of(new LinearLR(opt, 0.1, 1.0, 5), new CosineAnnealingLR(opt, 95)), List.of(5));
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(opt);
 *     sched.step();
 * }
 * }</pre>
 *
 * <h2>Note [Recursive and closed forms]</h2>
 * PyTorch's schedulers compute each epoch's rate from the groups' current rates (the
 * "chainable" form of {@code get_lr}), so several schedulers can act on the same groups and a
 * rate changed from outside carries forward; {@code step(epoch)} instead uses the closed form of
 * {@code _get_closed_form_lr} where a scheduler has one. Kindling's schedulers keep both forms
 * and use them exactly where PyTorch does, CosineAnnealingLR's special cases included, so their
 * sequences match PyTorch's step by step, not only up to the rounding difference between the
 * two forms. SequentialLR restarts a scheduler at a milestone with its closed form for epoch 0,
 * as PyTorch does.
 */
package dev.kindling.optim.lr;
