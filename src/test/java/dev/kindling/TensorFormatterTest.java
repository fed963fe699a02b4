package dev.kindling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link TensorFormatter} against the strings Python prints for {@code repr(tensor)}.
 *
 * <p>Each expected string is what {@code torch/_tensor_str.py} produces for the same values, shape,
 * dtype and print options (a transcription of that file run under CPython, so every number goes
 * through Python's own float formatting). Several are PyTorch's own expectations from
 * {@code test_torch.py::test_print}: {@link #infAndNanDoNotSetTheWidth},
 * {@link #float64SubnormalsAndOverflow}, {@link #scientificWhenRangeIsWide}, {@link #forcedFixed},
 * {@link #summarizedZeros}, {@link #summarizedOnesInThreeDims} and the sci-mode cases. Strings longer
 * than a screen are kept in {@code src/test/resources/dev/kindling/repr/}.
 *
 * <p>FLOAT32 data is written as doubles and rounded to float, as {@code torch.tensor([...])} does;
 * FLOAT16 data is written already rounded to half precision. The generators ({@link #gen}) are
 * plain integer formulas, so the values are the same in any language.
 */
class TensorFormatterTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NaN = Double.NaN;
    private static final PrintOptions DEFAULT = PrintOptions.DEFAULT;

    // ---- floats, 1-D

    @Test
    void integerValuedFloatsPrintInIntMode() {
        assertEquals("tensor([1., 2., 3.])",
                of(DType.FLOAT32, d(1.0, 2.0, 3.0)).shape(3).repr());
    }

    @Test
    void mixedSignsAlignRight() {
        assertEquals("tensor([  1.5000,  -2.2500,   3.0000, 100.1250])",
                of(DType.FLOAT32, d(1.5, -2.25, 3.0, 100.125)).shape(4).repr());
    }

    @Test
    void precisionFourRoundsHalfEvenOnTheBinaryValue() {
        assertEquals("tensor([ 0.1235,  0.0312,  0.9688,  2.6750, -0.5000,  0.9999])",
                of(DType.FLOAT32, d(0.12345, 0.03125, 0.96875, 2.675, -0.5, 0.99995)).shape(6).repr());
    }

    @Test
    void float64RoundsHalfEvenOnTheBinaryValue() {
        assertEquals("tensor([2.67, 0.12, 0.38, 1.00], dtype=torch.float64)",
                of(DType.FLOAT64, d(2.675, 0.125, 0.375, 1.005)).shape(4)
                        .options(DEFAULT.withPrecision(2)).repr());
    }

    @Test
    void infAndNanDoNotSetTheWidth() {
        assertEquals("tensor([4.0000,    inf, 1.5000,   -inf, 0.0000,    nan, 1.0000])",
                of(DType.FLOAT32, d(4.0, INF, 1.5, -INF, 0.0, NaN, 1.0)).shape(7).repr());
    }

    @Test
    void onlyNonFiniteValuesPrintBare() {
        assertEquals("tensor([nan, inf, -inf])",
                of(DType.FLOAT32, d(NaN, INF, -INF)).shape(3).repr());
    }

    @Test
    void zeroAndNanInIntMode() {
        assertEquals("tensor([0., nan])",
                of(DType.FLOAT32, d(0.0, NaN)).shape(2).repr());
    }

    @Test
    void integerValuedWithInfKeepsIntMode() {
        assertEquals("tensor([ 1., inf, -2.])",
                of(DType.FLOAT32, d(1.0, INF, -2.0)).shape(3).repr());
    }

    @Test
    void negativeZeroKeepsItsSign() {
        assertEquals("tensor([0., -0.])",
                of(DType.FLOAT32, d(0.0, -0.0)).shape(2).repr());
    }

    @Test
    void negativeZeroInFixedMode() {
        assertEquals("tensor([-0.0000, 1.5000])",
                of(DType.FLOAT32, d(-0.0, 1.5)).shape(2).repr());
    }

    @Test
    void negativeValueRoundingToZero() {
        assertEquals("tensor([-1.0000e-05,  5.0000e-01,  1.0000e+00])",
                of(DType.FLOAT32, d(-1e-05, 0.5, 1.0)).shape(3).repr());
    }

    @Test
    void scientificWhenRangeIsWide() {
        assertEquals("tensor([1.0000e+28, 1.0000e-28])",
                of(DType.FLOAT32, d(1e+28, 1e-28)).shape(2).repr());
    }

    @Test
    void scientificWhenSmallest() {
        assertEquals("tensor([2.0000e-05])",
                of(DType.FLOAT32, d(2e-05)).shape(1).repr());
    }

    @Test
    void scientificWhenLargest() {
        assertEquals("tensor([1.2346e+08])",
                of(DType.FLOAT32, d(123456789.0)).shape(1).repr());
    }

    @Test
    void scientificWhenRatioOver1000() {
        assertEquals("tensor([1.0000e-02, 1.1000e+01])",
                of(DType.FLOAT32, d(0.01, 11.0)).shape(2).repr());
    }

    @Test
    void intModeUpToRatio1000() {
        assertEquals("tensor([   1., 1000.])",
                of(DType.FLOAT32, d(1.0, 1000.0)).shape(2).repr());
    }

    @Test
    void intModeScientificOverRatio1000() {
        assertEquals("tensor([1.0000e+00, 1.0100e+03])",
                of(DType.FLOAT32, d(1.0, 1010.0)).shape(2).repr());
    }

    @Test
    void scientificWithNegatives() {
        assertEquals("tensor([-1.0000e-05,  1.0000e+00,  2.5000e+00])",
                of(DType.FLOAT32, d(-1e-05, 1.0, 2.5)).shape(3).repr());
    }

    @Test
    void scientificPadsNanAndZero() {
        assertEquals("tensor([1.0000e-05, 0.0000e+00,        nan,       -inf])",
                of(DType.FLOAT32, d(1e-05, 0.0, NaN, -INF)).shape(4).repr());
    }

    @Test
    void largeIntegersStayFixedBelow1e8() {
        assertEquals("tensor([ 10000000.,  20000000., -30000000.])",
                of(DType.FLOAT32, d(10000000.0, 20000000.0, -30000000.0)).shape(3).repr());
    }

    @Test
    void intModeNegativeWidth() {
        assertEquals("tensor([-1., 10.])",
                of(DType.FLOAT32, d(-1.0, 10.0)).shape(2).repr());
    }

    @Test
    void forcedScientific() {
        assertEquals("tensor([1.0000e+02, 1.0000e-02])",
                of(DType.FLOAT32, d(100.0, 0.01)).shape(2)
                        .options(DEFAULT.withSciMode(true)).repr());
    }

    @Test
    void forcedFixed() {
        assertEquals("tensor([100.0000,   0.0100])",
                of(DType.FLOAT32, d(100.0, 0.01)).shape(2)
                        .options(DEFAULT.withSciMode(false)).repr());
    }

    @Test
    void forcedScientificInIntMode() {
        assertEquals("tensor([1.0000e+00, 2.0000e+00])",
                of(DType.FLOAT32, d(1.0, 2.0)).shape(2)
                        .options(DEFAULT.withSciMode(true)).repr());
    }

    @Test
    void forcedScientificIgnoredWithoutNonzeroFiniteValues() {
        assertEquals("tensor([0., 0.])",
                of(DType.FLOAT32, d(0.0, 0.0)).shape(2)
                        .options(DEFAULT.withSciMode(true)).repr());
    }

    @Test
    void forcedFixedHugeIntegers() {
        assertEquals("tensor([100000000000000000000.,                     1.], dtype=torch.float64)",
                of(DType.FLOAT64, d(1e+20, 1.0)).shape(2)
                        .options(DEFAULT.withSciMode(false)).repr());
    }

    @Test
    void precisionTwo() {
        assertEquals("tensor([ 1.12, -3.14])",
                of(DType.FLOAT32, d(1.12345, -3.14159)).shape(2)
                        .options(DEFAULT.withPrecision(2)).repr());
    }

    @Test
    void precisionZero() {
        assertEquals("tensor([ 2,  2, -0])",
                of(DType.FLOAT32, d(1.5, 2.5, -0.4)).shape(3)
                        .options(DEFAULT.withPrecision(0)).repr());
    }

    @Test
    void precisionZeroScientific() {
        assertEquals("tensor([2e-07, 2e+00])",
                of(DType.FLOAT32, d(1.5e-07, 2.5)).shape(2)
                        .options(DEFAULT.withPrecision(0)).repr());
    }

    @Test
    void float64SubnormalsAndOverflow() {
        assertEquals("tensor([ 0.0000e+00, 9.8813e-324, 9.8813e-323, 1.0000e+307, 1.0000e+308,\n"
                + "                inf], dtype=torch.float64)",
                of(DType.FLOAT64, d(0.0, 1e-323, 1e-322, 1e+307, 1e+308, INF)).shape(6).repr());
    }

    @Test
    void float64Suffix() {
        assertEquals("tensor([1.0000, 2.5000], dtype=torch.float64)",
                of(DType.FLOAT64, d(1.0, 2.5)).shape(2).repr());
    }

    @Test
    void float64IntMode() {
        assertEquals("tensor([1., 2.], dtype=torch.float64)",
                of(DType.FLOAT64, d(1.0, 2.0)).shape(2).repr());
    }

    @Test
    void float16Suffix() {
        assertEquals("tensor([1.5000e+00, 9.9976e-02, 6.5504e+04], dtype=torch.float16)",
                of(DType.FLOAT16, d(1.5, 0.0999755859375, 65504.0)).shape(3).repr());
    }

    // ---- 0-dim

    @Test
    void scalarIntMode() {
        assertEquals("tensor(3.)",
                of(DType.FLOAT32, d(3.0)).shape().repr());
    }

    @Test
    void scalarFixed() {
        assertEquals("tensor(-0.5000)",
                of(DType.FLOAT32, d(-0.5)).shape().repr());
    }

    @Test
    void scalarScientific() {
        assertEquals("tensor(2.0000e-05)",
                of(DType.FLOAT32, d(2e-05)).shape().repr());
    }

    @Test
    void scalarNan() {
        assertEquals("tensor(nan)",
                of(DType.FLOAT32, d(NaN)).shape().repr());
    }

    @Test
    void scalarNegativeZero() {
        assertEquals("tensor(-0.)",
                of(DType.FLOAT32, d(-0.0)).shape().repr());
    }

    @Test
    void scalarFloat64() {
        assertEquals("tensor(3., dtype=torch.float64)",
                of(DType.FLOAT64, d(3.0)).shape().repr());
    }

    @Test
    void scalarLong() {
        assertEquals("tensor(5)",
                of(DType.INT64, l(5)).shape().repr());
    }

    @Test
    void scalarBigLong() {
        assertEquals("tensor(2341234123412341)",
                of(DType.INT64, l(2341234123412341L)).shape().repr());
    }

    @Test
    void scalarInt32() {
        assertEquals("tensor(-7, dtype=torch.int32)",
                of(DType.INT32, l(-7)).shape().repr());
    }

    @Test
    void scalarBool() {
        assertEquals("tensor(True)",
                of(DType.BOOL, b(true)).shape().repr());
    }

    @Test
    void scalarRequiresGrad() {
        assertEquals("tensor(2., requires_grad=True)",
                of(DType.FLOAT32, d(2.0)).shape().requiresGrad().repr());
    }

    @Test
    void scalarGradFn() {
        assertEquals("tensor(6., grad_fn=<MulBackward0>)",
                of(DType.FLOAT32, d(6.0)).shape().gradFn("MulBackward0").repr());
    }

    // ---- empty

    @Test
    void emptyVector() {
        assertEquals("tensor([])",
                of(DType.FLOAT32, d()).shape(0).repr());
    }

    @Test
    void emptyMatrix() {
        assertEquals("tensor([], size=(0, 3))",
                of(DType.FLOAT32, d()).shape(0, 3).repr());
    }

    @Test
    void emptyLong() {
        assertEquals("tensor([], dtype=torch.int64)",
                of(DType.INT64, l()).shape(0).repr());
    }

    @Test
    void emptyBool() {
        assertEquals("tensor([], dtype=torch.bool)",
                of(DType.BOOL, b()).shape(0).repr());
    }

    @Test
    void emptyFloat64ThreeDims() {
        assertEquals("tensor([], size=(2, 0, 3), dtype=torch.float64)",
                of(DType.FLOAT64, d()).shape(2, 0, 3).repr());
    }

    @Test
    void emptyOnCudaRequiringGrad() {
        assertEquals("tensor([], device='cuda:0', requires_grad=True)",
                of(DType.FLOAT32, d()).shape(0).device("cuda:0").requiresGrad().repr());
    }

    // ---- integers and bools

    @Test
    void positiveLongs() {
        assertEquals("tensor([1, 2])",
                of(DType.INT64, l(1, 2)).shape(2).repr());
    }

    @Test
    void negativeLongsLeadWithSpace() {
        assertEquals("tensor([ 1, -2])",
                of(DType.INT64, l(1, -2)).shape(2).repr());
    }

    @Test
    void longsNeverScientific() {
        assertEquals("tensor([         1,       1010, 1000000000])",
                of(DType.INT64, l(1, 1010, 1000000000)).shape(3).repr());
    }

    @Test
    void longExtremes() {
        assertEquals("tensor([-9223372036854775808,  9223372036854775807])",
                of(DType.INT64, l(-9223372036854775808L, 9223372036854775807L)).shape(2).repr());
    }

    @Test
    void int32Suffix() {
        assertEquals("tensor([  1, -20, 300], dtype=torch.int32)",
                of(DType.INT32, l(1, -20, 300)).shape(3).repr());
    }

    @Test
    void int16Suffix() {
        assertEquals("tensor([-32768,  32767], dtype=torch.int16)",
                of(DType.INT16, l(-32768, 32767)).shape(2).repr());
    }

    @Test
    void int8Suffix() {
        assertEquals("tensor([-128,    0,  127], dtype=torch.int8)",
                of(DType.INT8, l(-128, 0, 127)).shape(3).repr());
    }

    @Test
    void uint8Suffix() {
        assertEquals("tensor([  0,   7, 255], dtype=torch.uint8)",
                of(DType.UINT8, l(0, 7, 255)).shape(3).repr());
    }

    @Test
    void bools() {
        assertEquals("tensor([ True, False,  True])",
                of(DType.BOOL, b(true, false, true)).shape(3).repr());
    }

    @Test
    void boolMatrix() {
        assertEquals("tensor([[ True, False],\n"
                + "        [False,  True]])",
                of(DType.BOOL, b(true, false, false, true)).shape(2, 2).repr());
    }

    @Test
    void allTrue() {
        assertEquals("tensor([True, True])",
                of(DType.BOOL, b(true, true)).shape(2).repr());
    }

    // ---- n-d

    @Test
    void matrix() {
        assertEquals("tensor([[1., 2.],\n"
                + "        [3., 4.]])",
                of(DType.FLOAT32, d(1.0, 2.0, 3.0, 4.0)).shape(2, 2).repr());
    }

    @Test
    void matrixFixed() {
        assertEquals("tensor([[ 1.5000, -2.0000],\n"
                + "        [ 3.2500,  4.0000]])",
                of(DType.FLOAT32, d(1.5, -2.0, 3.25, 4.0)).shape(2, 2).repr());
    }

    @Test
    void threeDims() {
        assertEquals("tensor([[[ 0.,  1.,  2.],\n"
                + "         [ 3.,  4.,  5.]],\n"
                + "\n"
                + "        [[ 6.,  7.,  8.],\n"
                + "         [ 9., 10., 11.]]])",
                of(DType.FLOAT32, d(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0)).shape(2, 2, 3).repr());
    }

    @Test
    void fourDims() {
        assertEquals("tensor([[[[-3.0000, -2.5000],\n"
                + "          [-2.0000, -1.5000]],\n"
                + "\n"
                + "         [[-1.0000, -0.5000],\n"
                + "          [ 0.0000,  0.5000]]],\n"
                + "\n"
                + "\n"
                + "        [[[ 1.0000,  1.5000],\n"
                + "          [ 2.0000,  2.5000]],\n"
                + "\n"
                + "         [[ 3.0000,  3.5000],\n"
                + "          [ 4.0000,  4.5000]]]])",
                of(DType.FLOAT32, d(-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5)).shape(2, 2, 2, 2).repr());
    }

    @Test
    void fourDimsLongs() {
        assertEquals("tensor([[[[-8, -7],\n"
                + "          [-6, -5]],\n"
                + "\n"
                + "         [[-4, -3],\n"
                + "          [-2, -1]]],\n"
                + "\n"
                + "\n"
                + "        [[[ 0,  1],\n"
                + "          [ 2,  3]],\n"
                + "\n"
                + "         [[ 4,  5],\n"
                + "          [ 6,  7]]]])",
                of(DType.INT64, l(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7)).shape(2, 2, 2, 2).repr());
    }

    @Test
    void singletonDims() {
        assertEquals("tensor([[[7.2500]]])",
                of(DType.FLOAT32, d(7.25)).shape(1, 1, 1).repr());
    }

    @Test
    void columnVector() {
        assertEquals("tensor([[ 1],\n"
                + "        [-2],\n"
                + "        [ 3]])",
                of(DType.INT64, l(1, -2, 3)).shape(3, 1).repr());
    }

    // ---- wrapping at 80 columns

    @Test
    void wideFloatRowWraps() {
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
                + "        28., 29.])",
                of(DType.FLOAT32, gen("arange", 30)).shape(30).repr());
    }

    @Test
    void wideLongRowWraps() {
        assertEquals("tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
                + "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n"
                + "        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,\n"
                + "        54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n"
                + "        72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,\n"
                + "        90, 91, 92, 93, 94, 95, 96, 97, 98, 99])",
                of(DType.INT64, toLongs(gen("arange", 100))).shape(100).repr());
    }

    @Test
    void wideFixedRowsInMatrix() {
        assertEquals("tensor([[-27.0270,  24.7568,  22.4595,  20.1622,  17.8649,  15.5676,  13.2703,\n"
                + "          10.9730,   8.6757,   6.3784,   4.0811,   1.7838,  -0.5135,  -2.8108,\n"
                + "          -5.1081,  -7.4054,  -9.7027, -12.0000, -14.2973, -16.5946, -18.8919,\n"
                + "         -21.1892, -23.4865, -25.7838,  26.0000],\n"
                + "        [ 23.7027,  21.4054,  19.1081,  16.8108,  14.5135,  12.2162,   9.9189,\n"
                + "           7.6216,   5.3243,   3.0270,   0.7297,  -1.5676,  -3.8649,  -6.1622,\n"
                + "          -8.4595, -10.7568, -13.0541, -15.3514, -17.6486, -19.9459, -22.2432,\n"
                + "         -24.5405, -26.8378,  24.9459,  22.6486],\n"
                + "        [ 20.3514,  18.0541,  15.7568,  13.4595,  11.1622,   8.8649,   6.5676,\n"
                + "           4.2703,   1.9730,  -0.3243,  -2.6216,  -4.9189,  -7.2162,  -9.5135,\n"
                + "         -11.8108, -14.1081, -16.4054, -18.7027, -21.0000, -23.2973, -25.5946,\n"
                + "          26.1892,  23.8919,  21.5946,  19.2973]])",
                of(DType.FLOAT32, gen("pattern37", 75)).shape(3, 25).repr());
    }

    @Test
    void wideRowsInThreeDims() {
        assertEquals("tensor([[[-27.0270,  24.7568,  22.4595,  20.1622,  17.8649,  15.5676,  13.2703,\n"
                + "           10.9730,   8.6757,   6.3784,   4.0811,   1.7838],\n"
                + "         [ -0.5135,  -2.8108,  -5.1081,  -7.4054,  -9.7027, -12.0000, -14.2973,\n"
                + "          -16.5946, -18.8919, -21.1892, -23.4865, -25.7838]],\n"
                + "\n"
                + "        [[ 26.0000,  23.7027,  21.4054,  19.1081,  16.8108,  14.5135,  12.2162,\n"
                + "            9.9189,   7.6216,   5.3243,   3.0270,   0.7297],\n"
                + "         [ -1.5676,  -3.8649,  -6.1622,  -8.4595, -10.7568, -13.0541, -15.3514,\n"
                + "          -17.6486, -19.9459, -22.2432, -24.5405, -26.8378]]])",
                of(DType.FLOAT32, gen("pattern37", 48)).shape(2, 2, 12).repr());
    }

    @Test
    void narrowLinewidth() {
        assertEquals("tensor([[-27.0270,  24.7568,  22.4595,\n"
                + "          20.1622,  17.8649,  15.5676],\n"
                + "        [ 13.2703,  10.9730,   8.6757,\n"
                + "           6.3784,   4.0811,   1.7838]])",
                of(DType.FLOAT32, gen("pattern37", 12)).shape(2, 6)
                        .options(DEFAULT.withLinewidth(40)).repr());
    }

    @Test
    void tinyLinewidthOnePerLine() {
        assertEquals("tensor([1,\n"
                + "        2,\n"
                + "        3])",
                of(DType.INT64, l(1, 2, 3)).shape(3)
                        .options(DEFAULT.withLinewidth(5)).repr());
    }

    // ---- summarisation

    @Test
    void summarizedFloatsChooseStyleFromEdges() {
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                + "        1.9990e+03])",
                of(DType.FLOAT32, gen("arange", 2000)).shape(2000).repr());
    }

    @Test
    void summarizedLongs() {
        assertEquals("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
                of(DType.INT64, toLongs(gen("arange", 2000))).shape(2000).repr());
    }

    @Test
    void summarizedZeros() {
        assertEquals("tensor([0., 0., 0.,  ..., 0., 0., 0.])",
                of(DType.FLOAT32, gen("zeros", 10000)).shape(10000).repr());
    }

    @Test
    void summarizedStyleIgnoresHiddenElements() {
        assertEquals("tensor([-15.6250,  14.3125,  12.9844,  ..., -10.3125, -11.6406, -12.9688])",
                of(DType.FLOAT32, gen("spike64", 2000)).shape(2000).repr());
    }

    @Test
    void notSummarizedStyleSeesEveryElement() {
        assertEquals("tensor([-1.5625e+01,  1.4312e+01,  1.2984e+01,  1.1656e+01,  1.0328e+01,\n"
                + "         9.0000e+00,  7.6719e+00,  6.3438e+00,  5.0156e+00,  3.6875e+00,\n"
                + "         1.0000e+12,  1.0312e+00, -2.9688e-01, -1.6250e+00, -2.9531e+00,\n"
                + "        -4.2812e+00, -5.6094e+00, -6.9375e+00, -8.2656e+00, -9.5938e+00])",
                of(DType.FLOAT32, gen("spike64", 20)).shape(20).repr());
    }

    @Test
    void summarizedOnesInThreeDims() {
        assertEquals(resource("summarizedOnesInThreeDims"), of(DType.FLOAT32, gen("ones", 2000)).shape(100, 2, 10).repr());
    }

    @Test
    void summarizedMatrix() {
        assertEquals(resource("summarizedMatrix"), of(DType.FLOAT32, gen("pattern37", 10000)).shape(100, 100).repr());
    }

    @Test
    void summarizedHalfEvenMatrix() {
        assertEquals(resource("summarizedHalfEvenMatrix"), of(DType.FLOAT32, gen("pattern64", 10000)).shape(100, 100).repr());
    }

    @Test
    void summarizedFourDims() {
        assertEquals(resource("summarizedFourDims"), of(DType.FLOAT32, gen("arange", 10000)).shape(10, 10, 10, 10).repr());
    }

    @Test
    void summarizedThreeDimsMixedSizes() {
        assertEquals(resource("summarizedThreeDimsMixedSizes"), of(DType.FLOAT32, gen("pattern37", 2000)).shape(100, 2, 10).repr());
    }

    @Test
    void summarizedSmallDimsKeptWhole() {
        assertEquals("tensor([[-15.6250,  14.3125,  12.9844,  ...,  -3.6250,  -4.9531,  -6.2812],\n"
                + "        [ -7.6094,  -8.9375, -10.2656,  ...,   4.3906,   3.0625,   1.7344],\n"
                + "        [  0.4062,  -0.9219,  -2.2500,  ...,  12.4062,  11.0781,   9.7500],\n"
                + "        [  8.4219,   7.0938,   5.7656,  ..., -10.8438, -12.1719, -13.5000]])",
                of(DType.FLOAT32, gen("pattern64", 1200)).shape(4, 300).repr());
    }

    @Test
    void thresholdFive() {
        assertEquals("tensor([0, 1, 2,  ..., 7, 8, 9])",
                of(DType.INT64, toLongs(gen("arange", 10))).shape(10)
                        .options(DEFAULT.withThreshold(5)).repr());
    }

    @Test
    void thresholdZeroSummarizesScalarsNot() {
        assertEquals("tensor(1.5000)",
                of(DType.FLOAT32, d(1.5)).shape()
                        .options(DEFAULT.withThreshold(0)).repr());
    }

    @Test
    void edgeItemsOne() {
        assertEquals("tensor([[-27.0270,  ...,  17.8649],\n"
                + "        ...,\n"
                + "        [-18.8919,  ...,  26.0000]])",
                of(DType.FLOAT32, gen("pattern37", 25)).shape(5, 5)
                        .options(DEFAULT.withThreshold(10).withEdgeitems(1)).repr());
    }

    @Test
    void edgeItemsZeroVector() {
        assertEquals("tensor([...], size=(10,))",
                of(DType.FLOAT32, gen("arange", 10)).shape(10)
                        .options(DEFAULT.withThreshold(5).withEdgeitems(0)).repr());
    }

    @Test
    void edgeItemsZeroMatrix() {
        assertEquals("tensor([...], size=(4, 4))",
                of(DType.FLOAT32, gen("arange", 16)).shape(4, 4)
                        .options(DEFAULT.withThreshold(5).withEdgeitems(0)).repr());
    }

    @Test
    void edgeItemsZeroNotSummarized() {
        assertEquals("tensor([1., 2.], size=(2,))",
                of(DType.FLOAT32, d(1.0, 2.0)).shape(2)
                        .options(DEFAULT.withEdgeitems(0)).repr());
    }

    @Test
    void shortProfile() {
        assertEquals("tensor([[-27.03,  24.76,  ...,  18.24,  15.95],\n"
                + "        [ 13.65,  11.35,  ...,   4.84,   2.54],\n"
                + "        ...,\n"
                + "        [ 11.27,   8.97,  ...,   2.46,   0.16],\n"
                + "        [ -2.14,  -4.43,  ..., -10.95, -13.24]])",
                of(DType.FLOAT32, gen("pattern37", 10000)).shape(100, 100)
                        .options(DEFAULT.withPrecision(2).withEdgeitems(2)).repr());
    }

    @Test
    void fullProfile() {
        assertEquals(resource("fullProfile"), of(DType.FLOAT32, gen("pattern37", 1001)).shape(1001)
                        .options(DEFAULT.withThreshold(Double.POSITIVE_INFINITY)).repr());
    }

    // ---- suffixes

    @Test
    void requiresGrad() {
        assertEquals("tensor([123.], requires_grad=True)",
                of(DType.FLOAT32, d(123.0)).shape(1).requiresGrad().repr());
    }

    @Test
    void gradFnWinsOverRequiresGrad() {
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)",
                of(DType.FLOAT32, d(2.0, 4.0)).shape(2).requiresGrad().gradFn("MulBackward0").repr());
    }

    @Test
    void cudaDevice() {
        assertEquals("tensor([123], device='cuda:0')",
                of(DType.INT64, l(123)).shape(1).device("cuda:0").repr());
    }

    @Test
    void cudaFloat64RequiresGrad() {
        assertEquals("tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)",
                of(DType.FLOAT64, d(1.0, 2.0)).shape(2).device("cuda:0").requiresGrad().repr());
    }

    @Test
    void cudaOne() {
        assertEquals("tensor([1., 2.], device='cuda:1', grad_fn=<AddBackward0>)",
                of(DType.FLOAT32, d(1.0, 2.0)).shape(2).device("cuda:1").gradFn("AddBackward0").repr());
    }

    @Test
    void suffixWrapsAfterFullLine() {
        assertEquals("tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n"
                + "       dtype=torch.float64)",
                of(DType.FLOAT64, d(1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5)).shape(9).repr());
    }

    @Test
    void suffixFitsOnTheLine() {
        assertEquals("tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000], dtype=torch.float64)",
                of(DType.FLOAT64, d(1.5, 1.5, 1.5, 1.5, 1.5)).shape(5).repr());
    }

    @Test
    void secondSuffixWraps() {
        assertEquals("tensor([1.5000, 1.5000, 1.5000, 1.5000], dtype=torch.float64,\n"
                + "       requires_grad=True)",
                of(DType.FLOAT64, d(1.5, 1.5, 1.5, 1.5)).shape(4).requiresGrad().repr());
    }

    @Test
    void suffixWrapsOnALongLine() {
        assertEquals("tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n"
                + "       dtype=torch.float64)",
                of(DType.FLOAT64, d(1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5)).shape(8).repr());
    }

    @Test
    void suffixesAfterMultiLineTensor() {
        assertEquals("tensor([[-27.0270,  24.7568,  22.4595,  20.1622,  17.8649,  15.5676,  13.2703,\n"
                + "          10.9730,   8.6757,   6.3784,   4.0811,   1.7838],\n"
                + "        [ -0.5135,  -2.8108,  -5.1081,  -7.4054,  -9.7027, -12.0000, -14.2973,\n"
                + "         -16.5946, -18.8919, -21.1892, -23.4865, -25.7838]], device='cuda:0',\n"
                + "       dtype=torch.float64, grad_fn=<SoftmaxBackward0>)",
                of(DType.FLOAT64, gen("pattern37", 24)).shape(2, 12).device("cuda:0").gradFn("SoftmaxBackward0").repr());
    }

    @Test
    void suffixesWithNarrowLinewidth() {
        assertEquals("tensor([1., 2.],\n"
                + "       device='cuda:0',\n"
                + "       dtype=torch.float64,\n"
                + "       requires_grad=True)",
                of(DType.FLOAT64, d(1.0, 2.0)).shape(2).device("cuda:0").requiresGrad()
                        .options(DEFAULT.withLinewidth(20)).repr());
    }

    // ---- number formatting: Python's format(value, '.{p}f') and '.{p}e'

    @Test
    void fixedAndScientificMatchPythonFormat() throws IOException {
        List<String> rows = resource("python-float-format.tsv").lines()
                .filter(line -> !line.startsWith("#")).toList();
        assertEquals(126, rows.size());
        for (String row : rows) {
            String[] f = row.split("\t");
            double v = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
            int precision = Integer.parseInt(f[1]);
            if (!f[2].equals("-")) {
                assertEquals(f[2], TensorFormatter.formatFixed(v, precision), "format(" + f[4] + ", '.%df')".formatted(precision));
            }
            assertEquals(f[3], TensorFormatter.formatScientific(v, precision), "format(" + f[4] + ", '.%de')".formatted(precision));
        }
    }

    @Test
    void sizeTupleIsPythonsTupleString() {
        assertEquals("()", TensorFormatter.sizeTuple(new int[0]));
        assertEquals("(5,)", TensorFormatter.sizeTuple(new int[] {5}));
        assertEquals("(0, 3)", TensorFormatter.sizeTuple(new int[] {0, 3}));
    }

    // ---- behaviour beyond the text

    @Test
    void summarizedTensorReadsOnlyThePrintedElements() {
        AtomicLong reads = new AtomicLong();
        TensorFormatter.ElementReader reader = i -> {
            reads.incrementAndGet();
            return (double) (i % 7);
        };
        String s = TensorFormatter.format(new int[] {1000, 1000}, DType.FLOAT32, reader, "cpu", false, null, DEFAULT);
        assertEquals(36, reads.get());
        assertEquals("tensor([[0., 1., 2.,  ..., 3., 4., 5.],\n"
                + "        [6., 0., 1.,  ..., 2., 3., 4.],\n"
                + "        [5., 6., 0.,  ..., 1., 2., 3.],\n"
                + "        ...,\n"
                + "        [4., 5., 6.,  ..., 0., 1., 2.],\n"
                + "        [3., 4., 5.,  ..., 6., 0., 1.],\n"
                + "        [2., 3., 4.,  ..., 5., 6., 0.]])", s);
    }

    @Test
    void emptyTensorNeedsNoReader() {
        assertEquals("tensor([], size=(3, 0))",
                TensorFormatter.format(new int[] {3, 0}, DType.FLOAT32, null, "cpu", false, null, DEFAULT));
    }

    @Test
    void nullOptionsMeanTheCurrentOptions() {
        try (var scope = PrintOptions.use(DEFAULT.withPrecision(1))) {
            assertEquals("tensor([0.3], dtype=torch.float64)",
                    TensorFormatter.format(new int[] {1}, DType.FLOAT64, i -> 0.3, "cpu", false, null, null));
            assertEquals("tensor([0.3], dtype=torch.float64)",
                    TensorFormatter.format(new int[] {1}, DType.FLOAT64, i -> 0.3, "cpu", false, null));
        }
        assertEquals("tensor([0.3000], dtype=torch.float64)",
                TensorFormatter.format(new int[] {1}, DType.FLOAT64, i -> 0.3, "cpu", false, null));
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        var negative = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(new int[] {2, -1}, DType.FLOAT32, i -> 0, "cpu", false, null, DEFAULT));
        assertEquals("tensor repr: negative dimension -1 in shape [2, -1]", negative.getMessage());
        var noReader = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(new int[] {2, 3}, DType.FLOAT32, null, "cpu", false, null, DEFAULT));
        assertEquals("tensor repr: no element reader for a tensor of 6 elements, shape (2, 3)", noReader.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(new int[] {1}, null, i -> 0, "cpu", false, null, DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.format(new int[] {1}, DType.FLOAT32, i -> 0, null, false, null, DEFAULT));
    }

    @Test
    void tooManyElementsToPrintInFullIsAnError() {
        var e = assertThrows(KindlingException.class, () -> TensorFormatter.format(new int[] {65536, 65536},
                DType.INT8, i -> 0, "cpu", false, null, PrintOptions.FULL));
        assertEquals("tensor repr: cannot print 4294967296 elements of a tensor of shape (65536, 65536) in one string;"
                + " set a PrintOptions threshold to summarise it", e.getMessage());
    }

    // ---- helpers

    private static double[] d(double... values) { return values; }

    private static long[] l(long... values) { return values; }

    private static boolean[] b(boolean... values) { return values; }

    /** Deterministic data: {@code arange}, {@code zeros}, {@code ones}, and scrambled patterns. */
    static double[] gen(String name, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            long scrambled = (i * 7919L) % 2001 - 1000;
            v[i] = switch (name) {
                case "arange" -> i;
                case "zeros" -> 0;
                case "ones" -> 1;
                case "pattern37" -> scrambled / 37.0;
                case "pattern64", "spike64" -> scrambled / 64.0;
                default -> throw new IllegalArgumentException("unknown generator " + name);
            };
        }
        if (name.equals("spike64")) v[n / 2] = 1e12;
        return v;
    }

    private static long[] toLongs(double[] values) {
        return Arrays.stream(values).mapToLong(x -> (long) x).toArray();
    }

    static String resource(String name) {
        try (InputStream in = TensorFormatterTest.class.getResourceAsStream("repr/" + name + (name.contains(".") ? "" : ".txt"))) {
            if (in == null) throw new IllegalStateException("missing test resource repr/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Case of(DType dtype, double[] values) {
        double[] v = values.clone();
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < v.length; i++) v[i] = (float) v[i];
        }
        return new Case(dtype, new TensorFormatter.ElementReader() {
            @Override public double getDouble(long i) { return v[Math.toIntExact(i)]; }
            @Override public long getLong(long i) { throw new AssertionError("getLong on a floating tensor"); }
            @Override public boolean getBool(long i) { throw new AssertionError("getBool on a floating tensor"); }
        }, v.length);
    }

    private static Case of(DType dtype, long[] values) {
        return new Case(dtype, new TensorFormatter.ElementReader() {
            @Override public double getDouble(long i) { throw new AssertionError("getDouble on an integer tensor"); }
            @Override public long getLong(long i) { return values[Math.toIntExact(i)]; }
            @Override public boolean getBool(long i) { throw new AssertionError("getBool on an integer tensor"); }
        }, values.length);
    }

    private static Case of(DType dtype, boolean[] values) {
        return new Case(dtype, new TensorFormatter.ElementReader() {
            @Override public double getDouble(long i) { throw new AssertionError("getDouble on a bool tensor"); }
            @Override public long getLong(long i) { throw new AssertionError("getLong on a bool tensor"); }
            @Override public boolean getBool(long i) { return values[Math.toIntExact(i)]; }
        }, values.length);
    }

    /** One tensor to print: data, shape and the repr's other inputs. */
    private static final class Case {
        private final DType dtype;
        private final TensorFormatter.ElementReader reader;
        private final int length;
        private int[] shape;
        private String device = "cpu";
        private boolean requiresGrad;
        private String gradFn;
        private PrintOptions options = DEFAULT;

        Case(DType dtype, TensorFormatter.ElementReader reader, int length) {
            this.dtype = dtype;
            this.reader = reader;
            this.length = length;
            this.shape = new int[] {length};
        }

        Case shape(int... s) {
            long n = 1;
            for (int x : s) n *= x;
            if (n != length) throw new IllegalArgumentException(length + " values for shape " + Arrays.toString(s));
            shape = s;
            return this;
        }

        Case device(String d) { device = d; return this; }

        Case requiresGrad() { requiresGrad = true; return this; }

        Case gradFn(String name) { gradFn = name; return this; }

        Case options(PrintOptions o) { options = o; return this; }

        String repr() {
            return TensorFormatter.format(shape, dtype, reader, device, requiresGrad, gradFn, options);
        }
    }
}
