"""Proposals (建言献策), bulletins, recipients' instructions, commissioned studies."""
