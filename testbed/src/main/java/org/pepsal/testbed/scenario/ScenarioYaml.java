package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The one YAML reader of scenario files: a key given twice is an error, not a silent overwrite. */
final class ScenarioYaml {
    static final ObjectMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private ScenarioYaml() {
    }
}
