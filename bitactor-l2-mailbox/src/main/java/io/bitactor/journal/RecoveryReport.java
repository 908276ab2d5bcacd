package io.bitactor.journal;

import java.util.List;

/**
 * What a journal found when it opened an existing directory.
 *
 * @param segmentsScanned segment files read.
 * @param recordsValid    records whose frame verified.
 * @param recordsSettled  of those, records already handled or cancelled (not delivered again).
 * @param recovered       records accepted but not handled: they are delivered again, in their original order.
 * @param damagedStates   of the recovered, records whose state word was damaged (delivered again rather than lost).
 * @param skippedRegions  regions skipped: records failing verification, claims never committed, unreadable bytes.
 * @param skippedBytes    bytes in those regions.
 * @param truncatedBytes  bytes after the last record that were not a record (a torn tail), zeroed.
 * @param details         one line per skipped region or truncation, at most 100.
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordsValid,
    long recordsSettled,
    long recovered,
    long damagedStates,
    long skippedRegions,
    long skippedBytes,
    long truncatedBytes,
    List<String> details)
{
    /**
     * Whether anything was found damaged (skipped, truncated or with a damaged state).
     *
     * @return true if recovery had to repair something.
     */
    public boolean repairedAnything()
    {
        return skippedRegions > 0 || truncatedBytes > 0 || damagedStates > 0;
    }

    @Override
    public String toString()
    {
        return "RecoveryReport{segments=" + segmentsScanned + ", valid=" + recordsValid + ", settled=" +
            recordsSettled + ", recovered=" + recovered + ", damagedStates=" + damagedStates + ", skippedRegions=" +
            skippedRegions + ", skippedBytes=" + skippedBytes + ", truncatedBytes=" + truncatedBytes + "}";
    }
}
