"""A learned FAQ engine: multinomial logistic regression over TF-IDF features.

It is trained at start-up (about a second) on the index phrasings, the labelled question
sets and hand-written near-misses, with one extra class, "off-topic", for everything the
bot must decline. The lexical engine's analysis (concepts, off-topic intents, scope gate)
is part of the features, so the model learns how far to trust each signal instead of
obeying it: on questions by new authors it generalises better than the gates alone
(bench/README.md, leave-one-set-out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from core.faq.engine import FaqMatch, MatchKind
from core.faq.features import Featurizer
from core.faq.lexicon import ClassifierSettings
from core.faq.text import is_junk

OFF_TOPIC = ""  # the class of questions to decline; topic ids are never empty
_MAX_ALTERNATIVES = 2
_MAX_ITERATIONS = 300
_MEMORY = 7  # L-BFGS correction pairs kept
_TOLERANCE = 1e-6  # stop when an iteration lowers the loss by less than this share

Matrix = NDArray[np.float64]
Loss = Callable[[Matrix], tuple[float, Matrix]]


def _softmax(z: Matrix) -> Matrix:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: Matrix = e / e.sum(axis=-1, keepdims=True)
    return out


def _dot(a: Matrix, b: Matrix) -> float:
    # Not a BLAS dot: OpenBLAS threads spinning on a busy machine made training 10x slower.
    return float(np.multiply(a, b).sum())


def _lbfgs(loss: Loss, start: Matrix, iterations: int) -> Matrix:
    """Limited-memory BFGS with a backtracking line search (Nocedal & Wright, alg. 7.4).

    A few lines of numpy instead of scipy.optimize: its Fortran L-BFGS-B spends seconds
    in bookkeeping on a million weights and keeps twenty copies of them.
    """
    x = start
    value, grad = loss(x)
    history: list[tuple[Matrix, Matrix, float]] = []
    for _ in range(iterations):
        direction = -grad
        alphas = []
        for s, y, rho in reversed(history):
            alpha = rho * _dot(s, direction)
            direction -= alpha * y
            alphas.append(alpha)
        if history:
            s, y, _ = history[-1]
            direction *= _dot(s, y) / _dot(y, y)
        for (s, y, rho), alpha in zip(history, reversed(alphas), strict=True):
            direction += s * (alpha - rho * _dot(y, direction))
        slope = _dot(grad, direction)
        if slope >= 0:  # not a descent direction: restart from the gradient
            history.clear()
            direction, slope = -grad, -_dot(grad, grad)
        step = 1.0 if history else 1.0 / max(1.0, float(np.abs(grad).max()))
        while True:
            candidate = x + step * direction
            new_value, new_grad = loss(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = candidate - x, new_grad - grad
        sy = _dot(s, y)
        if sy > 1e-10:
            history.append((s, y, 1.0 / sy))
            del history[:-_MEMORY]
        converged = value - new_value <= _TOLERANCE * max(abs(value), 1.0)
        x, value, grad = candidate, new_value, new_grad
        if converged:
            break
    return x


def train_softmax(
    x: csr_matrix, labels: NDArray[np.int64], weights: Matrix, classes: int, c: float
) -> tuple[Matrix, Matrix]:
    """Minimise c * sum(weight * cross-entropy) + |W|^2 / 2 (bias unpenalised).

    The objective is scikit-learn's LogisticRegression(C=c), which the bench compared.
    """
    features = x.shape[1]
    onehot = np.zeros((x.shape[0], classes))
    onehot[np.arange(x.shape[0]), labels] = 1.0
    xt = x.T.tocsr()

    def loss(flat: Matrix) -> tuple[float, Matrix]:
        w = flat[: features * classes].reshape(features, classes)
        b = flat[features * classes :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -c * float((weights * (onehot * log_p).sum(axis=1)).sum())
        value += 0.5 * float((w * w).sum())
        residual = c * weights[:, None] * (np.exp(log_p) - onehot)
        grad_w = xt @ residual + w
        return value, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    flat = _lbfgs(loss, np.zeros(features * classes + classes), _MAX_ITERATIONS)
    return flat[: features * classes].reshape(features, classes), flat[features * classes :]


class ClassifierFaqEngine:
    def __init__(
        self,
        *,
        featurizer: Featurizer,
        classes: Sequence[str],
        weights: Matrix,
        bias: Matrix,
        settings: ClassifierSettings,
    ) -> None:
        self._featurizer = featurizer
        self._classes = tuple(classes)
        self._weights = weights
        self._bias = bias
        self._settings = settings
        self._off = self._classes.index(OFF_TOPIC)

    def match(self, question: str) -> FaqMatch:
        if not isinstance(question, str) or is_junk(question):
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=0.0)
        analysis, (columns, values) = self._featurizer.transform(question)
        if analysis.small_talk_only:
            return FaqMatch(kind=MatchKind.GREETING, topic=None, confidence=1.0)
        p = _softmax(values @ self._weights[columns] + self._bias)
        off = float(p[self._off])
        p[self._off] = -1.0
        order = np.argsort(-p)
        best = int(order[0])
        confidence = float(p[best])
        s = self._settings
        if off >= confidence or confidence < s.decline_below:
            return FaqMatch(kind=MatchKind.DECLINE, topic=None, confidence=confidence)
        alternatives: tuple[str, ...] = ()
        if confidence < s.sure_above:
            runners = [int(j) for j in order[1 : 1 + _MAX_ALTERNATIVES]]
            floor = confidence * s.alternative_ratio
            alternatives = tuple(self._classes[j] for j in runners if p[j] >= floor) or (
                self._classes[runners[0]],
            )
        return FaqMatch(
            kind=MatchKind.ANSWER,
            topic=self._classes[best],
            confidence=confidence,
            alternatives=alternatives,
        )
