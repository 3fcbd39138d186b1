package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSettingsTest {

    private static RunSettings of(Map<String, String> properties, Map<String, String> environment) {
        return new RunSettings(properties::get, environment::get);
    }

    @Test
    void aPropertyWinsOverItsVariableWhichWinsOverTheDefault() {
        assertThat(of(Map.of("api.port", "9090"), Map.of("API_PORT", "7070"))
                        .whole("api.port", "API_PORT", 8080, 1, 65535))
                .isEqualTo(9090);
        assertThat(of(Map.of(), Map.of("API_PORT", " 7070 ")).whole("api.port", "API_PORT", 8080, 1, 65535))
                .isEqualTo(7070);
        assertThat(of(Map.of(), Map.of()).whole("api.port", "API_PORT", 8080, 1, 65535))
                .isEqualTo(8080);
        assertThat(of(Map.of("demo.rate", "2.5"), Map.of()).positive("demo.rate", null, 5, 1000))
                .isEqualTo(2.5);
    }

    @Test
    void aValueThatIsNotANumberInRangeIsRefusedByName() {
        RunSettings settings = of(
                Map.of("api.port", "80a", "stack.nodes", "0", "demo.rate", "-1", "sim.port", "70000"),
                Map.of("DEMO", "x"));
        assertThatThrownBy(() -> settings.whole("api.port", "API_PORT", 8080, 1, 65535))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api.port (API_PORT) must be a whole number from 1 to 65535, was '80a'");
        assertThatThrownBy(() -> settings.whole("sim.port", "SIM_PORT", 18090, 1, 65535))
                .hasMessage("sim.port (SIM_PORT) must be a whole number from 1 to 65535, was '70000'");
        assertThatThrownBy(() -> settings.whole("stack.nodes", "STACK_NODES", 1, 1, 3))
                .hasMessage("stack.nodes (STACK_NODES) must be a whole number from 1 to 3, was '0'");
        assertThatThrownBy(() -> settings.positive("demo.rate", null, 5, 1000))
                .hasMessage("demo.rate must be a number above 0 and at most 1000.0, was '-1'");
        assertThatThrownBy(() -> of(Map.of("demo.rate", "NaN"), Map.of()).positive("demo.rate", null, 5, 1000))
                .hasMessageContaining("was 'NaN'");
    }
}
