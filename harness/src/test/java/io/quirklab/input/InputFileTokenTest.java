package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What an error line may quote of a file: a short, printable, clearly cut token, and never one that looks like a secret. */
class InputFileTokenTest {
    /** A 43-character token (openssl rand -base64 32, unpadded), hashes, lines of system files, keys: none of it shown. */
    @ParameterizedTest
    @ValueSource(strings = {"q3Vx9LmT2aBcD4eFgH5iJkL6mNoP7qRsT8uVwX9yZ0a", "root:$y$j9T$abc$def:19700:0:99999:7:::", "daemon:*:19700:0:99999:7:::",
        "root:x:0:0:root:/root:/bin/bash", "$6$saltsalt$hash", "0123456789abcdef0123456789abcdef", "-----BEGIN PRIVATE KEY-----",
        "password: hunter2", "token=abc", "Authorization: Bearer x", "{\"schema\": \"q3Vx9LmT2aBcD4eFgH5iJkL6mNoP7qRsT8uVwX9yZ0a\"}"})
    void aSecretLookingValueIsNotShownAtAll(String secret) {
        String t = InputFile.token(secret);
        assertThat(t).isEqualTo("(" + secret.length() + " characters not shown: they look like a secret)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"ip ttl 1; flush ruleset|'ip ttl 1; flush ruleset'", "smdc-tyan-firmware-2-1|'smdc-tyan-firmware-2-1'",
        "2001:2::5|'2001:2::5'", "02:51:4c:00:00:0a|'02:51:4c:00:00:0a'", "198.18.0.255|'198.18.0.255'", "DROPPED_IN_STACK|'DROPPED_IN_STACK'"})
    void anOrdinaryValueIsShownQuoted(String value, String shown) {
        assertThat(InputFile.token(value)).isEqualTo(shown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil\u001b[2J\u001b[Hcleared", "line\nforged: yes", "bidi \u202egnp.exe"})
    void controlAndFormatCharactersAreEscaped(String value) {
        assertThat(InputFile.token(value)).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u202e]").contains("\\");
        assertThat(InputFile.printable(value)).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u202e]");
    }

    @ParameterizedTest
    @ValueSource(ints = {41, 120, 5000})
    void aLongValueIsCutAtFortyCharactersAndTheCutIsSaid(int length) {
        String v = "a b ".repeat(length).substring(0, length);
        assertThat(InputFile.token(v)).isEqualTo("'" + v.substring(0, 40) + "'... (the first 40 of " + length + " characters)");
    }
}
