package dev.reconnect.api.info;

import dev.reconnect.api.log.MessageLog;
import dev.reconnect.protocol.Paths;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class InfoController {
    private final MessageLog messageLog;
    private final String instance;

    public InfoController(MessageLog messageLog,
                          @Value("${spring.cloud.consul.discovery.instance-id:api-service}") String instance) {
        this.messageLog = messageLog;
        this.instance = instance;
    }

    @GetMapping(Paths.INFO)
    public Map<String, Object> info() {
        return Map.of("service", "api-service", "instance", instance, "head", messageLog.head());
    }
}
