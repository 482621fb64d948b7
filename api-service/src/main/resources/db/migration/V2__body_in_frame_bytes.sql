-- Bodies are limited by the frame that carries them (64 KiB of UTF-8 after JSON escaping), no longer
-- by 16 Ki characters: a body that fits has fewer than 64 Ki characters.
ALTER TABLE message ALTER COLUMN body SET DATA TYPE VARCHAR(65536);
