package dev.reconnect.consul.emulator.http;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The one mapper: answers are built as ordered maps and lists, so field names and order are explicit. */
public final class Json {

    private final ObjectMapper mapper = JsonMapper.builder().build();

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] write(Object tree) {
        return mapper.writeValueAsBytes(tree);
    }
}
