package dev.kindling.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.autograd.RemovableHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Module's registries, walks, dotted names, state dicts, modes, conversions and hooks. */
class ModuleTest {

    /** A user model in the documented style: registered children, a forward that reads them through get(). */
    static final class Net extends Module {
        final Linear fc1;

        Net() {
            fc1 = registerModule("fc1", new Linear(4, 8));
            registerModule("bn", new BatchNorm1d(8));
            registerModule("head", new Sequential(new ReLU(), new Linear(8, 3)));
            registerBuffer("scale", Torch.full(2.0, 3));
            registerBuffer("cache", Torch.zeros(2), false);
        }

        @Override
        public Tensor forward(Tensor x) {
            return get("head").call(get("bn").call(get("fc1").call(x))).mul(buffer("scale"));
        }
    }

    @Test
    void registrationReturnsItsArgumentAndTurnsOnRequiresGrad() {
        class M extends Module {
            final Tensor w = registerParameter("w", Torch.zeros(2));
            final Tensor b = registerBuffer("b", Torch.ones(2));
            final Linear l = registerModule("l", new Linear(2, 2));
        }
        M m = new M();
        assertTrue(m.w.requiresGrad());
        assertSame(m.w, m.parameters().get(0));
        assertSame(m.b, m.buffers().get(0));
        assertSame(m.l, m.getSubmodule("l"));
        assertFalse(m.b.requiresGrad());
    }

    @Test
    void dottedNamesFollowRegistrationOrder() {
        Net net = new Net();
        assertEquals(List.of("fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "head.1.weight", "head.1.bias"),
                new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(List.of("scale", "cache", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"),
                new ArrayList<>(net.namedBuffers().keySet()));
        assertEquals(List.of("", "fc1", "bn", "head", "head.0", "head.1"), new ArrayList<>(net.namedModules().keySet()));
        assertEquals(List.of("fc1", "bn", "head"), new ArrayList<>(net.namedChildren().keySet()));
        assertEquals(3, net.children().size());
        assertEquals(6, net.modules().size());
        // state dict: per module, parameters then persistent buffers, then children
        assertEquals(List.of("scale", "fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                "bn.num_batches_tracked", "head.1.weight", "head.1.bias"), new ArrayList<>(net.stateDict().keySet()));
        assertEquals(DType.INT64, net.stateDict().get("bn.num_batches_tracked").dtype());
        assertEquals(2, net.parameters(false).size() + 2, "own parameters of Net: none");
        assertSame(net.fc1.weight(), net.getParameter("fc1.weight"));
        assertSame(net.getBuffer("bn.running_var"), ((BatchNorm1d) net.getSubmodule("bn")).runningVar());
    }

    @Test
    void sharedParametersAndModulesAreListedOnce() {
        Linear shared = new Linear(3, 3);
        Sequential s = new Sequential(shared, new ReLU(), shared);
        assertEquals(2, s.parameters().size());
        assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(s.namedParameters().keySet()));
        assertEquals(List.of("", "0", "1"), new ArrayList<>(s.namedModules().keySet()));
        // a state dict keeps both names, as PyTorch's
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(s.stateDict().keySet()));
    }

    @Test
    void badNamesAndClashesAreRejected() {
        Module m = new Identity();
        m.registerParameter("p", Torch.zeros(1));
        assertEquals("attribute 'p' already exists",
                assertThrows(KindlingException.class, () -> m.registerBuffer("p", Torch.zeros(1))).getMessage());
        assertEquals("attribute 'p' already exists",
                assertThrows(KindlingException.class, () -> m.registerModule("p", new ReLU())).getMessage());
        assertEquals("parameter name can't contain \".\"",
                assertThrows(KindlingException.class, () -> m.registerParameter("a.b", Torch.zeros(1))).getMessage());
        assertEquals("module name can't be empty string \"\"",
                assertThrows(KindlingException.class, () -> m.registerModule("", new ReLU())).getMessage());
        Tensor leaf = Torch.zeros(2).requiresGrad_(true);
        KindlingException nonLeaf = assertThrows(KindlingException.class, () -> m.registerParameter("q", leaf.mul(2.0)));
        assertTrue(nonLeaf.getMessage().startsWith("Cannot assign non-leaf Tensor to parameter 'q'."), nonLeaf.getMessage());
    }

    @Test
    void getAndSetSubmoduleWithPyTorchsErrors() {
        Net net = new Net();
        assertSame(net, net.getSubmodule(""));
        assertTrue(net.getSubmodule("head.1") instanceof Linear);
        assertEquals("Sequential has no attribute `5`",
                assertThrows(KindlingException.class, () -> net.getSubmodule("head.5")).getMessage());
        assertEquals("`weight` is not an nn.Module",
                assertThrows(KindlingException.class, () -> net.getSubmodule("fc1.weight")).getMessage());
        Linear replacement = new Linear(8, 3);
        net.setSubmodule("head.1", replacement);
        assertSame(replacement, net.getSubmodule("head.1"));
        net.eval();
        Tensor x = Torch.randn(2, 4);
        Tensor expected = replacement.forward(net.getSubmodule("bn").forward(net.fc1.forward(x)).relu()).mul(2.0);
        assertTrue(expected.equal(net.forward(x)), "forward sees the replaced module");
        assertEquals("Sequential has no attribute `7`",
                assertThrows(KindlingException.class, () -> net.setSubmodule("head.7", new ReLU(), true)).getMessage());
        assertEquals("Cannot set the submodule without a target name!",
                assertThrows(KindlingException.class, () -> net.setSubmodule("", new ReLU())).getMessage());
        // the replaced module keeps its position in the registry
        assertEquals(List.of("fc1", "bn", "head"), new ArrayList<>(net.namedChildren().keySet()));
    }

    @Test
    void stateDictRoundTripIntoAFreshModel() {
        Torch.manualSeed(1);
        Net a = new Net();
        a.train();
        a.forward(Torch.randn(5, 4)); // moves the running statistics
        Torch.manualSeed(2);
        Net b = new Net();
        Tensor bWeight = b.fc1.weight();
        Module.IncompatibleKeys keys = b.loadStateDict(a.stateDict());
        assertEquals("<All keys matched successfully>", keys.toString());
        assertSame(bWeight, b.fc1.weight(), "loaded in place");
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            assertTrue(e.getValue().equal(b.stateDict().get(e.getKey())), e.getKey());
        }
        assertEquals(1L, b.getBuffer("bn.num_batches_tracked").longItem());
        Tensor x = Torch.randn(3, 4);
        a.eval();
        b.eval();
        assertTrue(a.forward(x).equal(b.forward(x)));
        // the state dict's tensors share storage but not history
        Tensor w = a.stateDict().get("fc1.weight");
        assertFalse(w.requiresGrad());
        try (var g = Torch.noGrad()) {
            w.fill_(0.0);
        }
        assertEquals(0.0, a.fc1.weight().abs().sum().item());
    }

    @Test
    void loadStateDictErrorsAreReportedLikePyTorchAndChangeNothing() {
        Linear lin = new Linear(3, 3);
        Tensor before = lin.weight().clone();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("weight", Torch.zeros(2, 3));
        KindlingException e = assertThrows(KindlingException.class, () -> lin.loadStateDict(sd));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". \n"
                + "\tsize mismatch for weight: copying a param with shape [2, 3] from checkpoint, the shape in current model is [3, 3].",
                e.getMessage());
        sd.put("weight", Torch.zeros(3, 3));
        sd.put("extra", Torch.zeros(1));
        KindlingException e2 = assertThrows(KindlingException.class, () -> lin.loadStateDict(sd));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". \n"
                + "\tUnexpected key(s) in state_dict: \"extra\". ", e2.getMessage());
        assertTrue(before.equal(lin.weight()), "a failed load changes nothing");
        Module.IncompatibleKeys keys = lin.loadStateDict(sd, false);
        assertEquals(List.of("bias"), keys.missingKeys());
        assertEquals(List.of("extra"), keys.unexpectedKeys());
        assertEquals("IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])", keys.toString());
        assertEquals(0.0, lin.weight().abs().sum().item(), "non-strict load copied the weight");
        // shape mismatches are errors even when not strict
        sd.put("weight", Torch.zeros(1, 3));
        assertThrows(KindlingException.class, () -> lin.loadStateDict(sd, false));
    }

    @Test
    void batchNormCheckpointWithoutNumBatchesTrackedLoads() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Map<String, Tensor> sd = new LinkedHashMap<>(bn.stateDict());
        sd.remove("num_batches_tracked");
        sd.put("running_mean", Torch.full(0.5, 2));
        assertEquals("<All keys matched successfully>", bn.loadStateDict(sd).toString());
        assertEquals(1.0, bn.runningMean().sum().item(), 1e-6);
    }

    @Test
    void trainEvalAndRequiresGradAreRecursive() {
        Net net = new Net();
        assertTrue(net.isTraining());
        net.eval();
        for (Module m : net.modules()) assertFalse(m.isTraining(), m.getName());
        net.train();
        for (Module m : net.modules()) assertTrue(m.isTraining(), m.getName());
        net.requiresGrad_(false);
        for (Tensor p : net.parameters()) assertFalse(p.requiresGrad());
    }

    @Test
    void zeroGradSetsGradsToNullOrZero() {
        Linear lin = new Linear(3, 2);
        lin.forward(Torch.randn(4, 3)).sum().backward();
        assertNotNull(lin.weight().grad());
        lin.zeroGrad(false);
        assertEquals(0.0, lin.weight().grad().abs().sum().item());
        lin.zeroGrad();
        assertNull(lin.weight().grad());
        assertNull(lin.bias().grad());
    }

    @Test
    void toDTypeConvertsInPlaceAndKeepsIntegerBuffers() {
        Net net = new Net();
        List<Tensor> held = net.parameters();
        net.forward(Torch.randn(2, 4)).sum().backward();
        net.to(DType.FLOAT64);
        for (Tensor p : net.parameters()) assertEquals(DType.FLOAT64, p.dtype());
        for (int i = 0; i < held.size(); i++) assertSame(held.get(i), net.parameters().get(i), "same tensor objects");
        assertEquals(DType.FLOAT64, net.fc1.weight().grad().dtype(), "grads follow");
        assertEquals(DType.FLOAT64, net.getBuffer("bn.running_mean").dtype());
        assertEquals(DType.INT64, net.getBuffer("bn.num_batches_tracked").dtype());
        assertEquals(DType.FLOAT64, net.forward(Torch.randn(new int[] {2, 4}, DType.FLOAT64, null)).dtype());
        assertThrows(KindlingException.class, () -> net.to(DType.INT32));
    }

    @Test
    void applyVisitsChildrenFirst() {
        Net net = new Net();
        List<String> order = new ArrayList<>();
        net.apply(m -> order.add(m.getName()));
        assertEquals(List.of("Linear", "BatchNorm1d", "ReLU", "Linear", "Sequential", "Net"), order);
    }

    @Test
    void forwardHooksRunInCallAndCanReplace() {
        Sequential seq = new Sequential(new Linear(2, 2), new ReLU());
        List<String> seen = new ArrayList<>();
        RemovableHandle pre = seq.get(0).registerForwardPreHook((m, in) -> {
            seen.add("pre " + m.getName());
            return new Tensor[] {in[0].mul(0.0)};
        });
        RemovableHandle post = seq.get(1).registerForwardHook((m, in, out) -> {
            seen.add("post " + m.getName());
            return out.add(1.0);
        });
        Tensor y = seq.forward(Torch.randn(3, 2));
        assertEquals(List.of("pre Linear", "post ReLU"), seen);
        Linear first = (Linear) seq.get(0);
        Tensor expected = first.bias().detach().relu().add(1.0).expand(3, 2);
        assertTrue(expected.allclose(y));
        pre.remove();
        post.remove();
        pre.remove(); // idempotent
        seen.clear();
        seq.forward(Torch.randn(3, 2));
        assertTrue(seen.isEmpty());
        // forward() itself, as in PyTorch, runs no hooks of the module it is called on
        seq.registerForwardHook((m, in, out) -> {
            seen.add("seq");
            return null;
        });
        seq.forward(Torch.randn(1, 2));
        assertTrue(seen.isEmpty());
        seq.call(Torch.randn(1, 2));
        assertEquals(List.of("seq"), seen);
    }

    @Test
    void missingForwardAndArityAreExplained() {
        class NoForward extends Module {}
        assertEquals("Module [NoForward] is missing the required \"forward\" function",
                assertThrows(KindlingException.class, () -> new NoForward().forward(Torch.zeros(1))).getMessage());
        assertEquals("Module [ModuleList] is missing the required \"forward\" function",
                assertThrows(KindlingException.class, () -> new ModuleList().call(Torch.zeros(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MSELoss().forward(Torch.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> new TripletMarginLoss().forward(Torch.zeros(1), Torch.zeros(1)));
    }

    @Test
    void linearNamesTheLayerOnShapeMismatch() {
        Linear fc = new Linear(512, 1000);
        KindlingException e = assertThrows(KindlingException.class, () -> fc.forward(Torch.zeros(1, 2048)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x2048 and 512x1000) (in Linear(in_features=512, "
                + "out_features=1000, bias=True))", e.getMessage());
    }

    @Test
    void containers() {
        Sequential s = new Sequential().add(new Linear(2, 3)).append(new ReLU());
        s.append(new Linear(3, 1));
        assertEquals(3, s.size());
        assertTrue(s.get(-1) instanceof Linear);
        Sequential tail = s.slice(1, 3);
        assertEquals(List.of("1", "2"), new ArrayList<>(tail.namedChildren().keySet()));
        assertSame(s.get(2), tail.get(1));
        ModuleList list = new ModuleList(new ReLU(), new ReLU());
        list.insert(1, new Tanh());
        assertEquals(List.of("ReLU", "Tanh", "ReLU"), list.children().stream().map(Module::getName).toList());
        list.set(-1, new Sigmoid());
        assertTrue(list.get(2) instanceof Sigmoid);
        ModuleDict dict = new ModuleDict().put("b", new ReLU()).put("a", new Tanh());
        assertEquals(List.of("b", "a"), dict.keys());
        assertTrue(dict.get("a") instanceof Tanh);
        assertTrue(dict.pop("b") instanceof ReLU);
        assertEquals(1, dict.size());
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(3));
    }
}
