package dev.reconnect.ws;

import dev.reconnect.protocol.AsyncStages;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class WsServiceApplication {
    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        SpringApplication.run(WsServiceApplication.class, args);
    }
}
