"""Front Door: software for a children's safeguarding Integrated Front Door."""
