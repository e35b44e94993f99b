"""Replaces every composite glyph of a TrueType font by a simple glyph with the same outline.

PDFsharp's font subsetter copies a composite glyph's direct components but not their own components,
so stacked Vietnamese letters (e.g. U+1ED8 = O + dotbelowcomb(→dotaccent) + circumflex) lost marks in PDFs.
With no composites left, every subset is complete. Usage: python3 flatten.py IN.ttf OUT.ttf
"""
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.pens.recordingPen import DecomposingRecordingPen

font = TTFont(sys.argv[1])
glyph_set = font.getGlyphSet()
glyf = font["glyf"]
for name in font.getGlyphOrder():
    glyph = glyf[name]
    if not glyph.isComposite():
        continue
    recording = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(recording)
    pen = TTGlyphPen(None)
    recording.replay(pen)
    simple = pen.glyph()
    simple.recalcBounds(glyf)
    glyf[name] = simple
font["maxp"].maxComponentElements = 0
font["maxp"].maxComponentDepth = 0
font.save(sys.argv[2])
