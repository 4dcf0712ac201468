package org.pepsal.testbed.measure;

import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain TCP's goodput against the steady-state model of the congestion control its sender ran
 * ({@link ResponseFunctions}), at the satellite link's configured mean loss in the data direction, the path's
 * base RTT and the link's MSS: the model's goodput ({@code response_function}, its state naming the model) and
 * the measured goodput over it ({@code goodput_to_response_function}). Only where a model applies: no PEP, a
 * timed bulk transfer of one stream, loss above zero, and every sampled end-to-end sender running CUBIC or Reno.
 * The models describe equilibrium, so the ratio speaks for the sender's steady state only when the workload
 * left its start-up out ({@code omit}); its note says which it was.
 *
 * <p>Where the emulator counted its drops, the same model also at the loss its loss model really dealt in the data
 * direction during the workload ({@code response_function_at_dealt_loss}): a transfer of a few thousand packets
 * sees a few dozen random losses, whose count varies by ±15–20 % from repetition to repetition, and the model's
 * goodput goes with p^-½ (Reno) or p^-¾ (CUBIC), so the configured p alone leaves that much spread unexplained.
 */
public final class ModelMeasures {
    private ModelMeasures() {
    }

    /** @param rows the point's rows so far: its goodput and its end-to-end senders' congestion controls */
    public static Measured of(Point point, LinkFigures links, List<Measurement> rows, Optional<LinkStats> satellite) {
        Scenario.Bulk bulk = point.scenario().workload().bulk();
        double loss = links.dataLoss();
        if (point.mode().runsPeps() || bulk == null || bulk.fixedSize() || bulk.streams() != 1 || loss <= 0) {
            return Measured.NONE;
        }
        List<String> controls = rows.stream().filter(m -> m.metric().equals(Metrics.CONGESTION_CONTROL)
                && m.leg().equals(Legs.END_TO_END)).map(Measurement::state).distinct().toList();
        Optional<ResponseFunctions.Model> model = controls.size() == 1
                ? ResponseFunctions.of(controls.get(0)) : Optional.empty();
        Optional<Measurement> goodput = rows.stream().filter(m -> m.metric().equals(Metrics.GOODPUT)
                && m.leg().equals(Legs.END_TO_END)).findFirst();
        if (model.isEmpty() || goodput.isEmpty()) {
            return Measured.NONE;
        }
        double rtt = links.baseRttSeconds();
        double expected = model.get().goodput(links.mss(), rtt, loss);
        String inputs = String.format("p = %s, base RTT %.3f s, MSS %d B", loss, rtt, links.mss());
        String over = bulk.omitSeconds() > 0
                ? "goodput after the first " + bulk.omitSeconds() + " s (omit)"
                : "goodput from a cold start (no omit): start-up included, which the model leaves out";
        List<Measurement> out = new ArrayList<>();
        out.add(Measurement.of(point, Legs.END_TO_END, Metrics.RESPONSE_FUNCTION, expected, Metrics.BITS_PER_SECOND)
                .withState(model.get().name().toLowerCase()).withNote(model.get().label() + " at " + inputs));
        Measurement ratio = Measurement.of(point, Legs.END_TO_END, Metrics.GOODPUT_TO_RESPONSE_FUNCTION,
                goodput.get().value() / expected, Metrics.RATIO).withState(goodput.get().state()).withNote(over);
        out.add(goodput.get().censored() ? ratio.lowerBound() : ratio);
        Optional<Double> dealt = satellite.map(stats -> links.dataDirection().equals("down") ? stats.aToB() : stats.bToA())
                .filter(direction -> direction.received() > 0 && direction.lossDrops() > 0)
                .map(direction -> direction.lossDrops() / (double) direction.received());
        if (dealt.isPresent()) {
            double atDealt = model.get().goodput(links.mss(), rtt, dealt.get());
            out.add(Measurement.of(point, Legs.END_TO_END, Metrics.RESPONSE_FUNCTION_AT_DEALT_LOSS, atDealt,
                    Metrics.BITS_PER_SECOND).withState(model.get().name().toLowerCase())
                    .withNote(String.format("%s at the dealt p = %.5f (the loss model's drops over the packets "
                            + "offered, during the workload)", model.get().label(), dealt.get())));
            Measurement dealtRatio = Measurement.of(point, Legs.END_TO_END,
                    Metrics.GOODPUT_TO_RESPONSE_FUNCTION_AT_DEALT_LOSS, goodput.get().value() / atDealt, Metrics.RATIO)
                    .withState(goodput.get().state()).withNote(over);
            out.add(goodput.get().censored() ? dealtRatio.lowerBound() : dealtRatio);
        }
        return new Measured(out, List.of());
    }
}
