/** A system email the server can send, by the `template` name of `POST /api/settings/test/email`. */
export interface MailTemplateKind {
  /** The test-email template name. */
  readonly template: 'verification' | 'password-reset' | 'email-change' | 'otp' | 'login-alert'
  /** The auth collection option holding its subject and body. */
  readonly option:
    | 'verificationTemplate'
    | 'resetPasswordTemplate'
    | 'confirmEmailChangeTemplate'
    | 'otp'
    | 'authAlert'
  readonly label: string
}

/** The system emails, in the order the dashboard lists them. */
export const MAIL_TEMPLATES: readonly MailTemplateKind[] = [
  { template: 'verification', option: 'verificationTemplate', label: 'Verification' },
  { template: 'password-reset', option: 'resetPasswordTemplate', label: 'Password reset' },
  { template: 'email-change', option: 'confirmEmailChangeTemplate', label: 'Email change' },
  { template: 'otp', option: 'otp', label: 'One-time password (OTP)' },
  { template: 'login-alert', option: 'authAlert', label: 'Login alert' },
]
