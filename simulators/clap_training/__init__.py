"""A small CLAP of the project's own, trained on the corpus (``hcbench pretrain model=clap``).

Captions are worded from each clip's labels (:mod:`captions`), the tokenizer is built from
them offline (:mod:`tokenizer`), the towers are transformers' ClapModel at a tiny size
(:mod:`architecture`), trained contrastively on clips as raters hear them (:mod:`clips`,
:mod:`train`) and saved in ClapModel's layout (:mod:`io`), so ``embedder=clap`` loads it
as it loads a LAION checkpoint. The shipped result is the preset ``clap_corpus``.
"""
