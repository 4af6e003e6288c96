"""The catalog: a shared category tree, tags, and each merchant's products."""
from __future__ import annotations

from django.db import models
from django.utils.text import slugify

from apps.core.models import MerchantOwnedModel
from apps.core.tenancy import merchant_path_queryset

PATH_SEPARATOR = " > "


class Category(models.Model):
    """A node of the marketplace-wide taxonomy, addressed by its full path ("Home > Drinkware > Mugs")."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=400, unique=True)
    slug = models.SlugField(max_length=400, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.path

    def save(self, *args, **kwargs):
        self.path = PATH_SEPARATOR.join([*(self.parent.path.split(PATH_SEPARATOR) if self.parent else []), self.name])
        self.depth = self.path.count(PATH_SEPARATOR)
        self.slug = slugify(self.path.replace(PATH_SEPARATOR, "-"))
        super().save(*args, **kwargs)

    @classmethod
    def ensure_path(cls, path: str) -> Category:
        """Get or create every node along a "A > B > C" path and return the leaf."""
        parent = None
        for name in [part.strip() for part in path.split(">") if part.strip()]:
            full = PATH_SEPARATOR.join([*(parent.path.split(PATH_SEPARATOR) if parent else []), name])
            node = cls.objects.filter(path=full).first()
            if node is None:
                node = cls(name=name, parent=parent)
                node.save()
            parent = node
        if parent is None:
            raise ValueError("empty category path")
        return parent


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(MerchantOwnedModel):
    # Marketplace-wide listing id: events and order items name a product by it alone.
    external_id = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    attributes = models.JSONField(default=dict, blank=True, help_text="materials, colours, occasions, sizes…")
    customisable = models.BooleanField(default=False)
    stock = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_non_negative"),
        ]
        indexes = [
            # merchant catalog lists, newest first
            models.Index(fields=["merchant", "-created_at"], name="product_merchant_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class TagSuggestionDecision(models.Model):
    """A merchant's verdict on one tagging suggestion for one product.

    Accepted suggestions are applied to the product and become positive labels of the next
    `train tagging` run; rejected ones become negative labels and are not suggested again for
    that product. The latest decision on a (product, family, value) wins.
    """

    class Family(models.TextChoices):
        CATEGORY = "category"
        ATTRIBUTES = "attributes"
        OCCASIONS = "occasions"
        MATERIALS = "materials"
        COLOURS = "colours"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tag_decisions")
    family = models.CharField(max_length=20, choices=Family.choices)
    value = models.CharField(max_length=400)
    accepted = models.BooleanField()
    confidence = models.FloatField(null=True, blank=True, help_text="The suggestion's confidence when decided.")
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = merchant_path_queryset("product__merchant").as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "family", "value"], name="tagdecision_product_idx")]

    def __str__(self) -> str:
        return f"{'accepted' if self.accepted else 'rejected'} {self.family}={self.value} on {self.product_id}"
