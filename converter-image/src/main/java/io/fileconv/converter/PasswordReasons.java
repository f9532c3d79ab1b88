package io.fileconv.converter;

/** The reasons a user reads for an encrypted document that could not be opened (never the password itself). */
final class PasswordReasons {
    static final String MISSING = "the document is password protected; upload it again with its password in the"
            + " 'password' field";
    static final String WRONG = "the password does not open the document; upload it again with the right password";

    private PasswordReasons() {
    }
}
