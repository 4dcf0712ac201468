package org.pepsal.testbed.link.emulator;

/** What happened to the packets of one direction; written by its pump, read by the control thread. */
final class PumpCounters {
    long received;
    long receivedBytes;
    long tailDrops;
    long lossDrops;
    long bufferDrops;
    long delivered;
    long deliveredBytes;
    long writeErrors;
    long stepsApplied;

    void reset() {
        received = 0;
        receivedBytes = 0;
        tailDrops = 0;
        lossDrops = 0;
        bufferDrops = 0;
        delivered = 0;
        deliveredBytes = 0;
        writeErrors = 0;
        stepsApplied = 0;
    }
}
