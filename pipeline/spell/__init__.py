"""Offline English spelling engine: lexicon, prose extraction, filters and suggestions.

Nothing heavy is imported here; `lexicon.load_lexicon()` builds (once) and caches the
word list, `engine.Speller` decides which unknown words are worth reporting.
"""
