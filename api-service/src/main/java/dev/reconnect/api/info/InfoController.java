package dev.reconnect.api.info;

import dev.reconnect.api.log.MessageLog;
import dev.reconnect.protocol.Paths;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "info")
public class InfoController {
    private final MessageLog messageLog;
    private final String instance;

    public InfoController(MessageLog messageLog,
                          @Value("${spring.cloud.consul.discovery.instance-id:api-service}") String instance) {
        this.messageLog = messageLog;
        this.instance = instance;
    }

    @GetMapping(Paths.INFO)
    @Operation(summary = "Which instance answers, and the log's head")
    @ApiResponse(responseCode = "200", description = "service, instance id and head (the highest seq stored)",
            content = @Content(examples = @ExampleObject("{\"service\": \"api-service\", \"instance\": \"api-service-8081\", \"head\": 42}")))
    public Map<String, Object> info() {
        return Map.of("service", "api-service", "instance", instance, "head", messageLog.head());
    }
}
