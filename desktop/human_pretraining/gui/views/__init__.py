"""The main views, one package per view (its ``view`` module holds the view, the other
modules the parts only it uses); ``base`` and ``balance_view`` are the frames views share.
The window shows them in the order ``main_window`` lists them."""
