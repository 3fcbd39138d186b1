package com.wallet.fanout;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** JSON of the topics: snake_case, like every other topic and the API. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private Json() {}

    static JsonNode read(String text) {
        return MAPPER.readTree(text);
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}
