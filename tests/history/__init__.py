"""Tests of the assessment history (sms_model.history) and its command line."""
