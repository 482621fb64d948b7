package dev.reconnect.devkit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The machine a run measured, so that numbers from two machines are not compared as if alike.
 *
 * @param loadAverage the 1-, 5- and 15-minute load averages (only the first where /proc/loadavg is missing)
 */
record Machine(int cores, long totalMemoryBytes, String jdkVersion, String jdkVendor, String jvm, String os,
               String osVersion, String arch, double[] loadAverage) {

    static Machine current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return new Machine(Runtime.getRuntime().availableProcessors(), memory, System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"), currentLoadAverage());
    }

    static double[] currentLoadAverage() {
        try {
            return parseLoadAverage(Files.readString(Path.of("/proc/loadavg")));
        } catch (IOException | RuntimeException e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
        }
    }

    /** The first three fields of /proc/loadavg, e.g. {@code "0.96 2.50 4.10 1/245 3121"}. */
    static double[] parseLoadAverage(String procLoadavg) {
        return Arrays.stream(procLoadavg.trim().split("\\s+")).limit(3).mapToDouble(Double::parseDouble).toArray();
    }

    /** One line for the table's head. */
    String summary() {
        return cores + " cores, " + Math.round(totalMemoryBytes / (1024.0 * 1024 * 1024)) + " GiB, " + jdkVendor + " JDK "
                + jdkVersion + ", " + os + " " + osVersion + " " + arch + ", load " + formatLoad(loadAverage);
    }

    static String formatLoad(double[] load) {
        return String.join(" ", Arrays.stream(load).mapToObj(v -> String.format(java.util.Locale.ROOT, "%.2f", v)).toList());
    }
}
