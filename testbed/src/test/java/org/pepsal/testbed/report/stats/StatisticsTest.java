package org.pepsal.testbed.report.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The intervals on samples whose answers are known from tables, and their coverage by simulation. */
class StatisticsTest {
    private static List<Double> oneTo(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> (double) i).toList();
    }

    @Test
    void medianIntervalPicksTheTabulatedOrderStatistics() {
        // Binomial(n, 1/2) tables: n = 6 → (1, 6) 96.9 %; n = 10 → (2, 9) 97.9 %; n = 20 → (6, 15) 95.9 %.
        assertThat(OrderStatistics.lowerRank(6)).isEqualTo(1);
        assertThat(OrderStatistics.coverage(6, 1)).isCloseTo(1 - 2.0 / 64, within(1e-12));
        assertThat(OrderStatistics.lowerRank(10)).isEqualTo(2);
        assertThat(OrderStatistics.coverage(10, 2)).isCloseTo(1 - 2 * 11.0 / 1024, within(1e-12));
        assertThat(OrderStatistics.lowerRank(20)).isEqualTo(6);
        assertThat(OrderStatistics.coverage(20, 6)).isCloseTo(0.9586, within(1e-4));
        assertThat(OrderStatistics.MIN_N).isEqualTo(6);

        Summary ten = Summary.ofValues(oneTo(10));
        assertThat(ten.median()).isEqualTo(Estimate.exact(5.5));
        assertThat(ten.medianCi().low()).isEqualTo(Estimate.exact(2));
        assertThat(ten.medianCi().high()).isEqualTo(Estimate.exact(9));
        assertThat(ten.medianCi().coverage()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void tooFewValuesGiveNoIntervalAndSayWhichNWould() {
        Summary one = Summary.ofValues(List.of(4.2));
        assertThat(one.medianCi()).isNull();
        assertThat(one.meanCi()).isNull();
        assertThat(one.noCi()).isEqualTo("no CI: n = 1");

        Summary five = Summary.ofValues(oneTo(5));
        assertThat(five.medianCi()).isNull();
        assertThat(five.noCi()).contains("n = 5", "needs n ≥ 6");
        assertThat(five.median()).isEqualTo(Estimate.exact(3));
    }

    @Test
    void intervalsNeverLeaveTheRangeOfTheData() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(40);
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                values.add(random.nextDouble() < 0.3 ? 0.0 : Math.exp(random.nextGaussian() * 3));
            }
            double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            Summary summary = Summary.ofValues(values);
            for (Interval interval : new Interval[] {summary.medianCi(), summary.meanCi()}) {
                if (interval != null) {
                    assertThat(interval.low().value()).isBetween(min, max);
                    assertThat(interval.high().value()).isBetween(interval.low().value(), max);
                }
            }
        }
    }

    @Test
    void medianIntervalCoversAsOftenAsItSays() {
        // Log-normal samples of 10, true median 1: the (2, 9) interval covers it 97.85 % of the time.
        Random random = new Random(11);
        int trials = 4000;
        int covered = 0;
        for (int t = 0; t < trials; t++) {
            List<Double> sample = IntStream.range(0, 10).mapToObj(i -> Math.exp(random.nextGaussian())).toList();
            Interval ci = Summary.ofValues(sample).medianCi();
            covered += ci.low().value() <= 1 && 1 <= ci.high().value() ? 1 : 0;
        }
        // ± 4 standard errors of a binomial proportion at 0.9785 over 4000 trials.
        assertThat(covered / (double) trials).isCloseTo(0.9785, within(4 * Math.sqrt(0.9785 * 0.0215 / trials)));
    }

    @Test
    void bootstrapIsSeededAndCoversTheMeanOfLargerSamples() {
        List<Double> sample = List.of(3.1, 2.9, 3.4, 3.0, 2.7, 3.3, 3.6, 2.8, 3.2, 3.0, 3.1, 2.95);
        Interval first = Bootstrap.meanInterval(sample);
        assertThat(Bootstrap.meanInterval(sample)).isEqualTo(first);
        double mean = sample.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(first.low().value()).isLessThan(mean);
        assertThat(first.high().value()).isGreaterThan(mean);
        assertThat(Bootstrap.meanInterval(sample.subList(0, 9))).isNull();

        // Normal samples of 30 (mean 0): the percentile interval covers the mean about 95 % of the time.
        Random random = new Random(5);
        int trials = 300;
        int covered = 0;
        for (int t = 0; t < trials; t++) {
            List<Double> values = IntStream.range(0, 30).mapToObj(i -> random.nextGaussian()).toList();
            Interval ci = Bootstrap.meanInterval(values);
            covered += ci.low().value() <= 0 && 0 <= ci.high().value() ? 1 : 0;
        }
        assertThat(covered / (double) trials).isBetween(0.89, 0.99);
    }

    @Test
    void censoredValuesMakeBoundsNotNumbers() {
        // Three flows finished in 1, 2 and 3 s; three timed out after 10 s.
        List<Estimate> fct = List.of(Estimate.exact(1), Estimate.atLeast(10), Estimate.exact(2), Estimate.atLeast(10),
                Estimate.exact(3), Estimate.atLeast(10));
        Summary summary = Summary.of(fct);

        assertThat(summary.censored()).isEqualTo(3);
        assertThat(summary.median()).isEqualTo(Estimate.atLeast(6.5));
        assertThat(summary.mean().lowerBound()).isTrue();
        assertThat(summary.meanCi()).isNull();
        assertThat(summary.medianCi().low()).isEqualTo(Estimate.exact(1));
        assertThat(summary.medianCi().high()).isEqualTo(Estimate.atLeast(10));

        // Only the slowest timed out: the median is still exact.
        Summary one = Summary.of(List.of(Estimate.exact(1), Estimate.exact(2), Estimate.atLeast(10)));
        assertThat(one.median()).isEqualTo(Estimate.exact(2));
        // A censored value tied with an exact one lies truly above it: the exact one is still the median...
        assertThat(OrderStatistics.median(List.of(Estimate.exact(1), Estimate.atLeast(2), Estimate.exact(2))))
                .isEqualTo(Estimate.exact(2));
        // ...and the order statistic after a censored one is only a bound, whatever its own value.
        assertThat(OrderStatistics.median(List.of(Estimate.atLeast(0.5), Estimate.exact(1), Estimate.exact(2))))
                .isEqualTo(Estimate.atLeast(1));
        // A censored bound below an exact value leaves that order statistic uncertain.
        assertThat(OrderStatistics.median(List.of(Estimate.exact(1), Estimate.atLeast(1.5), Estimate.exact(2))))
                .isEqualTo(Estimate.atLeast(1.5));
    }

    @Test
    void pairedRatiosUseTheSameRepetitionAndSayWhatTheyLeftOut() {
        Map<Integer, Estimate> plain = Map.of(1, Estimate.exact(0.4e6), 2, Estimate.exact(0.5e6), 3, Estimate.exact(0),
                4, Estimate.atLeast(0.2e6), 5, Estimate.exact(0.25e6), 6, Estimate.exact(1e6), 7, Estimate.exact(0.8e6));
        Map<Integer, Estimate> split = Map.of(1, Estimate.exact(16e6), 2, Estimate.exact(15e6), 3, Estimate.exact(17e6),
                4, Estimate.exact(18e6), 5, Estimate.exact(15e6), 6, Estimate.exact(18e6), 7, Estimate.exact(16e6),
                8, Estimate.exact(17e6));

        Paired paired = Paired.of(plain, split);

        assertThat(paired.ratio().n()).isEqualTo(5);
        assertThat(paired.excluded()).containsExactly("r3: the baseline is zero", "r4: the baseline is only a lower bound");
        assertThat(paired.ratio().median().value()).isCloseTo(30, within(1e-9));
        assertThat(paired.ratio().medianCi()).isNull();

        // Only censored baselines: no ratio, but still the reason; no repetition in common: nothing to say.
        Paired none = Paired.of(Map.of(1, Estimate.atLeast(20)), Map.of(1, Estimate.exact(9)));
        assertThat(none.ratio()).isNull();
        assertThat(none.excluded()).containsExactly("r1: the baseline is only a lower bound");
        assertThat(Paired.of(Map.of(1, Estimate.exact(1)), Map.of(2, Estimate.exact(2)))).isNull();
    }
}
