"""Customer segmentation without Django: RFM groups, BG/NBD + Gamma-Gamma customer value,
behavioural clustering and data-true personas. Frames in, plain results out."""
