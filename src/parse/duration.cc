// placeholder: filled by the collector work
