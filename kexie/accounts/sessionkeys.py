"""Names of the session entries the security middleware relies on."""

LAST_SEEN = "kexie_last_seen"          # epoch seconds of the last request (idle timeout)
OTP_VERIFIED = "kexie_otp_verified"    # True once the second factor was given in this session
SIGNED_IN_AT = "kexie_signed_in_at"    # epoch seconds of the sign-in (sign-out everywhere)
