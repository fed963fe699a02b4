package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.Tensor;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer and every option combination against the plain-Java double references of
 * {@link ReferenceOptimizers}: twelve steps of {@link Trajectory}'s problem, compared after every
 * step. FLOAT64 parameters must agree to rounding (1e-12 relative); FLOAT32 parameters follow
 * the double trajectory within float32's precision.
 */
class OptimizerReferenceTest {
    private static final double F64_RTOL = 1e-12, F64_ATOL = 1e-14;
    private static final double F32_RTOL = 2e-5, F32_ATOL = 2e-6;

    private static Arguments c(String name, Function<List<Tensor>, Optimizer> kindling, Supplier<Trajectory.Reference> ref) {
        return Arguments.of(name, kindling, ref);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("SGD", p -> new SGD(p, 0.1), () -> new ReferenceOptimizers.Sgd() {{ lr = 0.1; }}),
                c("SGD default lr", SGD::new, ReferenceOptimizers.Sgd::new),
                c("SGD momentum", p -> new SGD(p, 0.1).momentum(0.9),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.1; momentum = 0.9; }}),
                c("SGD momentum dampening", p -> new SGD(p, 0.1).momentum(0.8).dampening(0.3),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.1; momentum = 0.8; dampening = 0.3; }}),
                c("SGD nesterov", p -> new SGD(p, 0.05).momentum(0.9).nesterov(true),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.05; momentum = 0.9; nesterov = true; }}),
                c("SGD weight decay", p -> new SGD(p, 0.1).weightDecay(0.05),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.1; weightDecay = 0.05; }}),
                c("SGD momentum weight decay nesterov maximize",
                        p -> new SGD(p, 0.02).momentum(0.7).weightDecay(1e-2).nesterov(true).maximize(true),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.02; momentum = 0.7; weightDecay = 1e-2; nesterov = true; maximize = true; }}),
                c("SGD maximize dampening", p -> new SGD(p, 0.03).momentum(0.5).dampening(0.5).maximize(true),
                        () -> new ReferenceOptimizers.Sgd() {{ lr = 0.03; momentum = 0.5; dampening = 0.5; maximize = true; }}),

                c("Adam", p -> new Adam(p, 0.05), () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; }}),
                c("Adam defaults", Adam::new, ReferenceOptimizers.Adam::new),
                c("Adam betas eps", p -> new Adam(p, 0.05).betas(0.8, 0.95).eps(1e-3),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; beta1 = 0.8; beta2 = 0.95; eps = 1e-3; }}),
                c("Adam weight decay", p -> new Adam(p, 0.05).weightDecay(0.1),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; weightDecay = 0.1; }}),
                c("Adam amsgrad", p -> new Adam(p, 0.05).amsgrad(true).betas(0.5, 0.6),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; amsgrad = true; beta1 = 0.5; beta2 = 0.6; }}),
                c("Adam amsgrad weight decay maximize", p -> new Adam(p, 0.05).amsgrad(true).weightDecay(0.1).maximize(true),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; amsgrad = true; weightDecay = 0.1; maximize = true; }}),
                c("Adam decoupled weight decay", p -> new Adam(p, 0.05).weightDecay(0.2).decoupledWeightDecay(true),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; weightDecay = 0.2; decoupled = true; }}),
                c("AdamW defaults", AdamW::new,
                        () -> new ReferenceOptimizers.Adam() {{ weightDecay = 1e-2; decoupled = true; }}),
                c("AdamW", p -> new AdamW(p, 0.05).weightDecay(0.3),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; weightDecay = 0.3; decoupled = true; }}),
                c("AdamW amsgrad maximize", p -> new AdamW(p, 0.05).amsgrad(true).maximize(true).betas(0.7, 0.8),
                        () -> new ReferenceOptimizers.Adam() {{ lr = 0.05; weightDecay = 1e-2; decoupled = true; amsgrad = true;
                            maximize = true; beta1 = 0.7; beta2 = 0.8; }}),

                c("RMSprop", RMSprop::new, ReferenceOptimizers.RmsProp::new),
                c("RMSprop alpha eps", p -> new RMSprop(p, 0.01).alpha(0.9).eps(1e-4),
                        () -> new ReferenceOptimizers.RmsProp() {{ alpha = 0.9; eps = 1e-4; }}),
                c("RMSprop momentum", p -> new RMSprop(p, 0.01).momentum(0.9),
                        () -> new ReferenceOptimizers.RmsProp() {{ momentum = 0.9; }}),
                c("RMSprop centered", p -> new RMSprop(p, 0.01).centered(true),
                        () -> new ReferenceOptimizers.RmsProp() {{ centered = true; }}),
                c("RMSprop centered momentum weight decay maximize",
                        p -> new RMSprop(p, 0.005).centered(true).momentum(0.5).weightDecay(0.1).maximize(true),
                        () -> new ReferenceOptimizers.RmsProp() {{ lr = 0.005; centered = true; momentum = 0.5; weightDecay = 0.1;
                            maximize = true; }}),

                c("Adagrad", p -> new Adagrad(p, 0.1), () -> new ReferenceOptimizers.Adagrad() {{ lr = 0.1; }}),
                c("Adagrad lr decay initial accumulator",
                        p -> new Adagrad(p, 0.1).lrDecay(0.05).initialAccumulatorValue(0.5).eps(1e-6),
                        () -> new ReferenceOptimizers.Adagrad() {{ lr = 0.1; lrDecay = 0.05; initialAccumulatorValue = 0.5; eps = 1e-6; }}),
                c("Adagrad weight decay maximize", p -> new Adagrad(p, 0.1).weightDecay(0.2).maximize(true),
                        () -> new ReferenceOptimizers.Adagrad() {{ lr = 0.1; weightDecay = 0.2; maximize = true; }}),

                c("Adadelta", Adadelta::new, ReferenceOptimizers.Adadelta::new),
                c("Adadelta rho eps lr", p -> new Adadelta(p, 0.5).rho(0.8).eps(1e-3),
                        () -> new ReferenceOptimizers.Adadelta() {{ lr = 0.5; rho = 0.8; eps = 1e-3; }}),
                c("Adadelta weight decay maximize", p -> new Adadelta(p).weightDecay(0.1).maximize(true),
                        () -> new ReferenceOptimizers.Adadelta() {{ weightDecay = 0.1; maximize = true; }}),

                c("Adamax", p -> new Adamax(p, 0.05), () -> new ReferenceOptimizers.Adamax() {{ lr = 0.05; }}),
                c("Adamax defaults", Adamax::new, ReferenceOptimizers.Adamax::new),
                c("Adamax betas eps weight decay maximize",
                        p -> new Adamax(p, 0.05).betas(0.8, 0.9).eps(1e-3).weightDecay(0.1).maximize(true),
                        () -> new ReferenceOptimizers.Adamax() {{ lr = 0.05; beta1 = 0.8; beta2 = 0.9; eps = 1e-3; weightDecay = 0.1;
                            maximize = true; }}),

                c("NAdam", p -> new NAdam(p, 0.05), () -> new ReferenceOptimizers.NAdam() {{ lr = 0.05; }}),
                c("NAdam defaults", NAdam::new, ReferenceOptimizers.NAdam::new),
                c("NAdam momentum decay betas", p -> new NAdam(p, 0.05).momentumDecay(0.1).betas(0.8, 0.9),
                        () -> new ReferenceOptimizers.NAdam() {{ lr = 0.05; momentumDecay = 0.1; beta1 = 0.8; beta2 = 0.9; }}),
                c("NAdam weight decay", p -> new NAdam(p, 0.05).weightDecay(0.1),
                        () -> new ReferenceOptimizers.NAdam() {{ lr = 0.05; weightDecay = 0.1; }}),
                c("NAdam decoupled weight decay maximize",
                        p -> new NAdam(p, 0.05).weightDecay(0.1).decoupledWeightDecay(true).maximize(true),
                        () -> new ReferenceOptimizers.NAdam() {{ lr = 0.05; weightDecay = 0.1; decoupled = true; maximize = true; }}),

                c("RAdam", p -> new RAdam(p, 0.05), () -> new ReferenceOptimizers.RAdam() {{ lr = 0.05; }}),
                c("RAdam defaults", RAdam::new, ReferenceOptimizers.RAdam::new),
                c("RAdam betas eps", p -> new RAdam(p, 0.05).betas(0.8, 0.9).eps(1e-4),
                        () -> new ReferenceOptimizers.RAdam() {{ lr = 0.05; beta1 = 0.8; beta2 = 0.9; eps = 1e-4; }}),
                c("RAdam weight decay", p -> new RAdam(p, 0.05).weightDecay(0.1),
                        () -> new ReferenceOptimizers.RAdam() {{ lr = 0.05; weightDecay = 0.1; }}),
                c("RAdam decoupled weight decay maximize",
                        p -> new RAdam(p, 0.05).weightDecay(0.1).decoupledWeightDecay(true).maximize(true),
                        () -> new ReferenceOptimizers.RAdam() {{ lr = 0.05; weightDecay = 0.1; decoupled = true; maximize = true; }}));
    }

    @ParameterizedTest(name = "{0} float64")
    @MethodSource("cases")
    void float64MatchesReference(String name, Function<List<Tensor>, Optimizer> kindling, Supplier<Trajectory.Reference> ref) {
        double[][][] expected = Trajectory.runReference(ref.get(), Trajectory.STEPS);
        Trajectory.assertMoved(expected, name);
        double[][][] actual = Trajectory.runKindling(DType.FLOAT64, kindling, Trajectory.STEPS);
        Trajectory.assertClose(expected, actual, F64_RTOL, F64_ATOL, name + " float64");
    }

    @ParameterizedTest(name = "{0} float32")
    @MethodSource("cases")
    void float32FollowsReference(String name, Function<List<Tensor>, Optimizer> kindling, Supplier<Trajectory.Reference> ref) {
        double[][][] expected = Trajectory.runReference(ref.get(), Trajectory.STEPS);
        double[][][] actual = Trajectory.runKindling(DType.FLOAT32, kindling, Trajectory.STEPS);
        Trajectory.assertClose(expected, actual, F32_RTOL, F32_ATOL, name + " float32");
    }

    /** RAdam's two branches (rho_t &gt; 5 or not) both occur in the twelve steps with beta2 0.9. */
    @org.junit.jupiter.api.Test
    void radamCasesCoverBothBranches() {
        var ref = new ReferenceOptimizers.RAdam() {{ lr = 0.05; beta1 = 0.8; beta2 = 0.9; }};
        Trajectory.runReference(ref, Trajectory.STEPS);
        assertTrue(ref.rectified > 0 && ref.unrectified > 0, "rectified " + ref.rectified + ", unrectified " + ref.unrectified);
        var defaults = new ReferenceOptimizers.RAdam();
        Trajectory.runReference(defaults, Trajectory.STEPS);
        assertTrue(defaults.rectified > 0 && defaults.unrectified > 0);
    }
}
