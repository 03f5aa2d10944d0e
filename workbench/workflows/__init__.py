"""Use cases over the store, shared by the CLI and the app: documents (import, seed, export,
show), translate, review (annotate, accept, post-edit, approve, apply everywhere, undo),
detect (the name checks as annotations), glossary and known names, scores, and translating
whole archives on Ray (ray_translate).

They hold the rules, so that both front-ends behave the same; a use case that changes
several rows does so in one transaction, and a review action is one history entry.
"""
