package dev.reconnect.ws.log;

import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.ProtocolException;

/**
 * The message log refused a publish for good, with the code the client is told: {@link ErrorCodes#BAD_VALUE}
 * (a key or body the protocol does not allow) or {@link ErrorCodes#KEY_CONFLICT} (a key reused with another body).
 */
public class LogRejectedException extends ProtocolException {
    public LogRejectedException(String code, String message) {
        super(code, message);
    }
}
