package dev.kindling.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing of KINDLING_CUDA_ALLOC_CONF in PyTorch's PYTORCH_CUDA_ALLOC_CONF syntax. */
class AllocatorConfigTest {
    private static final long MiB = 1L << 20;
    private static final long GiB = 1L << 30;

    @Test
    void emptyConfigurationGivesDefaults() {
        for (String conf : new String[] {null, "", "   "}) {
            AllocatorConfig c = AllocatorConfig.parse(conf);
            assertSame(AllocatorConfig.defaults(), c);
        }
        AllocatorConfig d = AllocatorConfig.defaults();
        assertEquals(Long.MAX_VALUE, d.maxSplitSize());
        assertEquals(0.0, d.garbageCollectionThreshold());
        assertEquals(0, d.roundupPower2Divisions(5 * MiB));
        assertEquals("", d.toString());
    }

    @Test
    void maxSplitSizeIsInMiB() {
        assertEquals(128 * MiB, AllocatorConfig.parse("max_split_size_mb:128").maxSplitSize());
        assertEquals(20 * MiB, AllocatorConfig.parse("max_split_size_mb:20").maxSplitSize());
        assertEquals(Long.MAX_VALUE, AllocatorConfig.parse("max_split_size_mb:99999999999999999999").maxSplitSize(),
                "beyond any byte count: unlimited");
    }

    @Test
    void garbageCollectionThresholdIsAFraction() {
        assertEquals(0.6, AllocatorConfig.parse("garbage_collection_threshold:0.6").garbageCollectionThreshold());
        assertEquals(0.25, AllocatorConfig.parse(" garbage_collection_threshold : .25 ").garbageCollectionThreshold());
    }

    @Test
    void roundupPower2DivisionsSingleValueAppliesToAllSizes() {
        AllocatorConfig c = AllocatorConfig.parse("roundup_power2_divisions:4");
        for (long size : new long[] {512, MiB, 300 * MiB, 64 * GiB}) assertEquals(4, c.roundupPower2Divisions(size));
    }

    @Test
    void roundupPower2DivisionsListGivesDivisionsBySizeBand() {
        AllocatorConfig c = AllocatorConfig.parse("roundup_power2_divisions:[256:1,512:2,1024:4,>:8]");
        long[][] cases = {{100 * MiB, 1}, {256 * MiB - 1, 1}, {256 * MiB, 2}, {511 * MiB, 2},
            {512 * MiB, 4}, {GiB - 1, 4}, {GiB, 8}, {64 * GiB, 8}};
        for (long[] k : cases) assertEquals(k[1], c.roundupPower2Divisions(k[0]), "divisions for " + k[0]);
        AllocatorConfig noAbove = AllocatorConfig.parse("roundup_power2_divisions:[256:2]");
        assertEquals(2, noAbove.roundupPower2Divisions(100 * MiB));
        assertEquals(0, noAbove.roundupPower2Divisions(300 * MiB), "past the last bound: no rounding");
    }

    @Test
    void optionsCombineAndPrintBack() {
        AllocatorConfig c = AllocatorConfig.parse(
                "max_split_size_mb:64, garbage_collection_threshold:0.8,roundup_power2_divisions:[256:1,>:2],");
        assertEquals(64 * MiB, c.maxSplitSize());
        assertEquals(0.8, c.garbageCollectionThreshold());
        assertEquals(2, c.roundupPower2Divisions(GiB));
        assertEquals("max_split_size_mb:64,garbage_collection_threshold:0.8,roundup_power2_divisions:[256:1,>:2]",
                c.toString());
        assertEquals(c.toString(), AllocatorConfig.parse(c.toString()).toString());
        assertEquals(32 * MiB, AllocatorConfig.parse("max_split_size_mb:64,max_split_size_mb:32").maxSplitSize(),
                "the last occurrence wins");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "expandable_segments:True                          | expandable_segments",
        "max_split_size:128                                | max_split_size",
        "max_split_size_mb:19                              | max_split_size_mb",
        "max_split_size_mb:abc                             | max_split_size_mb",
        "max_split_size_mb:-64                             | max_split_size_mb",
        "max_split_size_mb                                 | max_split_size_mb",
        "max_split_size_mb:                                | max_split_size_mb",
        "max_split_size_mb:64 garbage_collection_threshold:0.5 | max_split_size_mb",
        "max_split_size_mb:64;garbage_collection_threshold:0.5 | max_split_size_mb",
        "garbage_collection_threshold:1.0                  | garbage_collection_threshold",
        "garbage_collection_threshold:0                    | garbage_collection_threshold",
        "garbage_collection_threshold:-0.5                 | garbage_collection_threshold",
        "garbage_collection_threshold:0.5f                 | garbage_collection_threshold",
        "garbage_collection_threshold:NaN                  | garbage_collection_threshold",
        "roundup_power2_divisions:3                        | roundup_power2_divisions",
        "roundup_power2_divisions:0                        | roundup_power2_divisions",
        "roundup_power2_divisions:[300:2]                  | roundup_power2_divisions",
        "roundup_power2_divisions:[256:3]                  | roundup_power2_divisions",
        "roundup_power2_divisions:[256:1,128:2]            | roundup_power2_divisions",
        "roundup_power2_divisions:[256:1                   | roundup_power2_divisions",
        "roundup_power2_divisions:[>:2,256:1]              | roundup_power2_divisions",
        "roundup_power2_divisions:[]                       | roundup_power2_divisions",
    })
    void badOptionsAreRejectedNamingTheOption(String conf, String option) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllocatorConfig.parse(conf));
        assertTrue(e.getMessage().startsWith("KINDLING_CUDA_ALLOC_CONF \"" + conf + "\": "), e.getMessage());
        String problem = e.getMessage().substring(e.getMessage().indexOf("\": ") + 3);
        assertTrue(problem.contains(option), "message names " + option + ": " + e.getMessage());
    }

    @Test
    void unknownOptionListsTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AllocatorConfig.parse("max_split_size_mb:64,backend:native"));
        assertEquals("KINDLING_CUDA_ALLOC_CONF \"max_split_size_mb:64,backend:native\": unknown option 'backend';"
                + " supported options are max_split_size_mb, garbage_collection_threshold, roundup_power2_divisions",
                e.getMessage());
    }
}
