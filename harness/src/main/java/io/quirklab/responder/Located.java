package io.quirklab.responder;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import java.io.IOException;
import java.util.Collection;

/**
 * A value of a YAML file bound with the line it starts on, whatever its shape: a file that puts a list where a name
 * belongs still binds, so the reader can say which persona, which field and which line is wrong instead of a
 * mapping error. Text fields hold the scalar exactly as written (0x1234 stays 0x1234).
 *
 * @param line  the line the value starts on
 * @param at    where the value starts in the text (characters), for document order
 * @param value the value; null for YAML null and for a value of the wrong shape
 * @param fits  false when the file has a value of another shape (a mapping or list where text belongs, or the reverse)
 * @param <T>   String for a scalar, a Map, List or record for a mapping or list, Object for "any, unread"
 */
@JsonDeserialize(using = Located.Reader.class)
record Located<T>(int line, long at, T value, boolean fits) {
    /** Null, or of the wrong shape: nothing usable. */
    boolean empty() {
        return value == null;
    }

    /** Binds a {@code Located<T>} with the help of T's own deserializer when T is a mapping or a list. */
    static final class Reader extends JsonDeserializer<Located<?>> implements ContextualDeserializer {
        private final Class<?> wanted;
        private final JsonDeserializer<Object> delegate;

        Reader() {
            this(Object.class, null);
        }

        private Reader(Class<?> wanted, JsonDeserializer<Object> delegate) {
            this.wanted = wanted;
            this.delegate = delegate;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) throws JsonMappingException {
            JavaType type = ctxt.getContextualType() != null ? ctxt.getContextualType() : property.getType();
            JavaType inner = type.containedTypeOrUnknown(0);
            Class<?> raw = inner.getRawClass();
            if (raw == String.class || raw == Object.class) {
                return new Reader(raw, null);
            }
            return new Reader(raw, ctxt.findContextualValueDeserializer(inner, property));
        }

        @Override
        public Located<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            long at = p.currentTokenLocation().getCharOffset();
            JsonToken t = p.currentToken();
            boolean structured = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
            if (t == JsonToken.VALUE_NULL) {
                return new Located<>(line, at, null, true);
            }
            if (wanted == Object.class) {
                p.skipChildren();
                return new Located<>(line, at, null, true);
            }
            if (wanted == String.class) {
                if (structured) {
                    p.skipChildren();
                    return new Located<>(line, at, null, false);
                }
                return new Located<>(line, at, p.getText(), true);
            }
            JsonToken start = Collection.class.isAssignableFrom(wanted) ? JsonToken.START_ARRAY : JsonToken.START_OBJECT;
            if (t != start) {
                p.skipChildren();
                return new Located<>(line, at, null, false);
            }
            return new Located<>(line, at, delegate.deserialize(p, ctxt), true);
        }

        @Override
        public Located<?> getNullValue(DeserializationContext ctxt) {
            JsonLocation where = ctxt.getParser().currentTokenLocation();
            return new Located<>(where.getLineNr(), where.getCharOffset(), null, true);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
