-- The durable, ordered message log. seq is assigned by the application, gapless from 1.
CREATE TABLE message (
    seq          BIGINT        NOT NULL PRIMARY KEY,
    msg_key      VARCHAR(128)  NOT NULL,
    body         VARCHAR(16384) NOT NULL,
    published_at BIGINT        NOT NULL,
    CONSTRAINT message_key_unique UNIQUE (msg_key)
);
