package org.pepsal.testbed.scenario;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LossModel;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A link on the command line ({@code testbed calibrate --link}) in a scenario file's syntax. */
class LinkArgumentTest {
    private static LinkSpec parse(String text) throws ScenarioException {
        return LinkArgument.parse("--link", text, Path.of(""));
    }

    private static ScenarioException rejected(String text) {
        return catchThrowableOfType(ScenarioException.class, () -> parse(text));
    }

    @Test
    void oneDirectionsFieldsWithoutBracesGoBothWays() throws Exception {
        LinkSpec link = parse("rate: 20 Mbit/s, delay: 300 ms, loss: 1 %");

        for (var direction : java.util.List.of(link.aToB(), link.bToA())) {
            assertThat(direction.rateBitsPerSecond()).isEqualTo(20_000_000L);
            assertThat(direction.delay()).isEqualTo(Duration.ofMillis(300));
            assertThat(direction.loss()).isEqualTo(new LossModel.Bernoulli(0.01));
        }
        assertThat(parse("{rate: 20 Mbit/s, delay: 300 ms, loss: 1 %}")).isEqualTo(link);
    }

    @Test
    void aWholeLinkAsAScenarioWritesIt() throws Exception {
        LinkSpec link = parse("preset: geo, up: {rate: 2 Mbit/s}, down: {loss: 0.5 %}");

        assertThat(link.aToB().rateBitsPerSecond()).isEqualTo(20_000_000L);
        assertThat(link.aToB().loss()).isEqualTo(new LossModel.Bernoulli(0.005));
        assertThat(link.bToA().rateBitsPerSecond()).isEqualTo(2_000_000L);
        assertThat(link.bToA().delay()).isEqualTo(Duration.ofMillis(300));
        assertThat(parse("down: {rate: 50 Mbit/s, delay: 20 ms}, up: {rate: 5 Mbit/s}").bToA().delay())
                .isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void errorsNameTheOptionAndTheField() {
        ScenarioException unit = rejected("rate: 20 Mbit/s, delay: 300");
        assertThat(unit.origin()).isEqualTo("--link");
        assertThat(unit.field()).isEqualTo("delay");
        assertThat(unit.getMessage()).startsWith("--link: delay: ").contains("unit");

        assertThat(rejected("rate: 20 Mbit/s, delay: 300 ms, loss: 2").getMessage())
                .startsWith("--link: loss: ").contains("within [0, 1]");
        assertThat(rejected("rate: 20 Mbit/s").getMessage()).startsWith("--link: delay: missing");
        assertThat(rejected("rat: 20 Mbit/s, delay: 300 ms").getMessage())
                .startsWith("--link: rat: unknown field 'rat'");
        assertThat(rejected("preset: geo, up: {rate: fast}").getMessage()).startsWith("--link: up.rate: ");
        assertThat(rejected("preset: nowhere").getMessage()).startsWith("--link: preset: unknown link preset");
        assertThat(rejected("rate: [20").getMessage()).startsWith("--link: not a link such as");
        assertThat(rejected("20 Mbit/s").getMessage()).startsWith("--link: ");
    }
}
