package vn.ioc.pulse.model;

/** An input record that breaks CONTRACT.md §1; {@link #field()} names the offending field. */
public class ValidationException extends Exception {
    private final String field;

    public ValidationException(String field, String reason) {
        super(field == null ? reason : "field '" + field + "': " + reason);
        this.field = field;
    }

    /** The JSON field path at fault ({@code regulated_duration.value}), or null for the record as a whole. */
    public String field() {
        return field;
    }
}
