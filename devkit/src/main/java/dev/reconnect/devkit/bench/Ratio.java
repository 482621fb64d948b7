package dev.reconnect.devkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Our client's numbers divided by a baseline's at the same client count: below 1, ours is faster.
 * Empty where the baseline's number is 0 (or not measured), so that no ratio is made up.
 */
record Ratio(int clients, Policy baseline, OptionalDouble readyToOpenP50, OptionalDouble readyToOpenP99,
             OptionalDouble killToAllOpen) {

    /** One ratio per baseline and client count that has both its own row and one of our client's. */
    static List<Ratio> of(List<RecoveryResult> results) {
        List<Ratio> ratios = new ArrayList<>();
        for (RecoveryResult ours : results) {
            if (ours.policy() != Policy.OURS) {
                continue;
            }
            for (RecoveryResult baseline : results) {
                if (baseline.policy() == Policy.OURS || baseline.clients() != ours.clients()) {
                    continue;
                }
                boolean bothReady = ours.readyToOpenMillis().count() > 0 && baseline.readyToOpenMillis().count() > 0;
                ratios.add(new Ratio(ours.clients(), baseline.policy(),
                        bothReady ? divide(ours.readyToOpenMillis().p50(), baseline.readyToOpenMillis().p50()) : OptionalDouble.empty(),
                        bothReady ? divide(ours.readyToOpenMillis().p99(), baseline.readyToOpenMillis().p99()) : OptionalDouble.empty(),
                        divide(ours.killToAllOpenMillis(), baseline.killToAllOpenMillis())));
            }
        }
        return ratios;
    }

    private static OptionalDouble divide(long ours, long baseline) {
        return baseline <= 0 ? OptionalDouble.empty() : OptionalDouble.of((double) ours / baseline);
    }
}
