import dataclasses, jax, jax.numpy as jnp, numpy as np
from rnn_aux import transformer
spec = transformer.TransformerSpec(num_classes=10, num_layers=2, attention="xla")
tokens = jax.random.randint(jax.random.PRNGKey(1), (4, 256, 1), 0, 256)
valid = jnp.arange(256)[None, :] < jnp.array([256, 200, 17, 1])[:, None]
p = transformer.init(jax.random.PRNGKey(0), spec)
a = transformer.logits(p, spec, tokens, valid)
b = transformer.logits(p, dataclasses.replace(spec, attention="cudnn"), tokens, valid)
c = transformer.logits(p, dataclasses.replace(spec, attention="flax"), tokens, valid)
print("max |cudnn - xla|", float(jnp.max(jnp.abs(a - b))), "max |flax - xla|", float(jnp.max(jnp.abs(a - c))), "scale", float(jnp.max(jnp.abs(a))))
print(jax.jit(lambda p: transformer.logits(p, dataclasses.replace(spec, attention="cudnn"), tokens, valid)).lower(p).as_text().count("cudnn"), "cudnn mentions in lowered HLO")
